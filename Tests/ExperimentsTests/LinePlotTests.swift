// Specs/experiments.md, "Plots": the SVG writer's output is well-formed, complete and places values where they belong.
import Foundation
import Testing

@testable import Experiments

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an SVG document as Foundation's XMLParser reads them: name, attributes and text, in order.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        var text = ""
    }

    var elements: [Element] = []
    private var open: [Int] = []
    var error: Error?

    /// Parses `svg`; nil when XMLParser finds it not well-formed.
    static func parse(_ svg: String) -> SVGElements? {
        let collector = SVGElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        return parser.parse() && collector.error == nil ? collector : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let last = open.last { elements[last].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }

    func all(_ name: String, class className: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
    }
}

@Suite("SVG line plots")
struct LinePlotTests {
    static func plot() -> LinePlot {
        LinePlot(
            title: "Held-out accuracy <greedy> & more", xLabel: "RL step", yLabel: "accuracy (%)", note: "Band: mean ± 1 sample sd.",
            series: [
                PlotSeries(name: "vapo", colorIndex: 0, points: [
                    PlotPoint(x: 0, y: 0), PlotPoint(x: 50, y: 0.5, low: 0.25, high: 0.75), PlotPoint(x: 100, y: 1),
                ]),
                PlotSeries(name: "dapo", colorIndex: 1, points: [PlotPoint(x: 0, y: 0.25), PlotPoint(x: 100, y: 0.5)]),
                PlotSeries(name: "ppo", colorIndex: 17, points: [PlotPoint(x: 20, y: 0.125), PlotPoint(x: 80, y: 0.25)]),
            ],
            xRange: 0...100, yRange: 0...1)
    }

    @Test("A plot is well-formed XML (Foundation's XMLParser reads it) with its title, both axes with ticks and labels, and a line and a legend entry for every series")
    func wellFormedAndComplete() throws {
        let svg = Self.plot().svg()
        let parsed = try #require(SVGElements.parse(svg), "XMLParser rejects the SVG")
        #expect(parsed.elements.first?.name == "svg")
        #expect(parsed.all("text", class: "title").map(\.text) == ["Held-out accuracy <greedy> & more"])
        #expect(parsed.all("line", class: "x-axis").count == 1)
        #expect(parsed.all("line", class: "y-axis").count == 1)
        #expect(parsed.all("text", class: "x-label").map(\.text) == ["RL step"])
        #expect(parsed.all("text", class: "y-label").map(\.text) == ["accuracy (%)"])
        #expect(parsed.all("text", class: "x-tick-label").map(\.text) == ["0", "20", "40", "60", "80", "100"])
        #expect(parsed.all("text", class: "y-tick-label").map(\.text) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let seriesGroups = parsed.all("g", class: "series").compactMap { $0.attributes["data-series"] }
        // Drawn in reverse order, so that the first series lies on top; the legend keeps the given order.
        #expect(seriesGroups == ["ppo", "dapo", "vapo"])
        #expect(parsed.all("g", class: "legend-entry").compactMap { $0.attributes["data-series"] } == ["vapo", "dapo", "ppo"])
        #expect(parsed.all("polyline").count == 3)
        // Only vapo has a spread, so only vapo has a band.
        #expect(parsed.all("polygon", class: "band").compactMap { $0.attributes["data-series"] } == ["vapo"])
        // Colours: palette entries 0 and 1; index 17 repeats entry 1, dashed.
        let strokes = parsed.all("polyline").map { $0.attributes["stroke"] ?? "" }
        #expect(strokes == [LinePlot.palette[1], LinePlot.palette[1], LinePlot.palette[0]])
        #expect(parsed.all("polyline").map { $0.attributes["stroke-dasharray"] != nil } == [true, false, false])
    }

    @Test("A value maps to the stated coordinate: x 0…100 onto 80…700 and y 0…1 onto 470…60, so (50, 0.5) is drawn at (390, 265), and the band runs from y 0.75 (162.5) down to 0.25 (367.5)")
    func coordinates() throws {
        let parsed = try #require(SVGElements.parse(Self.plot().svg()))
        let vapo = try #require(parsed.all("polyline").last?.attributes["points"])
        #expect(vapo == "80.00,470.00 390.00,265.00 700.00,60.00")
        let band = try #require(parsed.all("polygon", class: "band").first?.attributes["points"])
        #expect(band == "80.00,470.00 390.00,162.50 700.00,60.00 700.00,60.00 390.00,367.50 80.00,470.00")
        let frame = Self.plot().frame
        #expect(frame.x(50) == 390 && frame.y(0.5) == 265)
    }

    @Test("Axis domains without a fixed range widen the data's range to ticks of 1, 2, 2.5 or 5 times a power of ten, and tick labels carry the decimals their step needs")
    func niceTicks() {
        #expect(LinePlot.niceDomain(0, 600) == 0...600)
        #expect(LinePlot.ticks(0...600) == [0, 100, 200, 300, 400, 500, 600])
        #expect(LinePlot.niceDomain(0.13, 0.87) == 0...1)
        // A widened domain keeps its tick step despite rounding: −0.76…0.27 widens to −0.8…0.4 by 0.2, and so does −0.8…0.4.
        #expect(LinePlot.niceDomain(-0.76, 0.27) == LinePlot.niceDomain(-0.8, 0.4))
        #expect(LinePlot.tickStep(LinePlot.niceDomain(-0.76, 0.27).lowerBound, LinePlot.niceDomain(-0.76, 0.27).upperBound) == 0.2)
        #expect(LinePlot.niceDomain(0, 0) == -1...1)
        #expect(LinePlot.tickStep(0, 10) == 2)
        #expect(LinePlot.tickStep(0, 12.5) == 2.5)
        #expect(LinePlot.tickLabel(0.25, step: 0.25) == "0.25")
        #expect(LinePlot.tickLabel(-0.0, step: 0.5) == "0.0")
        #expect(LinePlot.tickLabel(300, step: 100) == "300")
    }

    @Test("The legend's font is 14 px, or smaller so that the longest series name fits the picture: 11 px for a name of 36 characters")
    func legendFits() {
        #expect(Self.plot().legendFontSize == 14)
        let long = LinePlot(
            title: "t", xLabel: "x", yLabel: "y",
            series: [PlotSeries(name: String(repeating: "n", count: 36), colorIndex: 0, points: [PlotPoint(x: 0, y: 0)])])
        #expect(long.legendFontSize == 11)
        #expect(long.svg().contains("<g class=\"legend\" font-size=\"11.00\">"))
    }

    @Test("The same plot gives the same bytes; non-finite points are left out rather than drawn")
    func deterministic() throws {
        #expect(Self.plot().svg() == Self.plot().svg())
        var plot = Self.plot()
        plot.series.append(PlotSeries(name: "nan", colorIndex: 2, points: [PlotPoint(x: 10, y: .nan), PlotPoint(x: 20, y: 0.5)]))
        let parsed = try #require(SVGElements.parse(plot.svg()))
        #expect(!plot.svg().contains("nan,") && !plot.svg().lowercased().contains(",nan"))
        #expect(parsed.all("circle").count == 3 + 2 + 2 + 1)
    }
}
