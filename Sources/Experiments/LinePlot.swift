// Specs/experiments.md, "Plots": line plots against step as SVG text, drawn by our own writer (no plotting dependency).
import Foundation

/// One point of a series: the mean at `x`, and the band `low`…`high` drawn around it (equal to `y` when there
/// is no spread to show, for a single seed).
public struct PlotPoint: Sendable, Equatable {
    public let x: Double
    public let y: Double
    public let low: Double
    public let high: Double

    public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
        self.x = x
        self.y = y
        self.low = low ?? y
        self.high = high ?? y
    }
}

/// A named line of a plot; `colorIndex` picks its colour from `LinePlot.palette`, so that one configuration keeps
/// its colour in every plot of a report (indices past the palette repeat its colours, dashed).
public struct PlotSeries: Sendable {
    public let name: String
    public let colorIndex: Int
    /// Drawn dashed whatever its colour index (a second line of one configuration, such as "at the end").
    public let dashed: Bool
    public let points: [PlotPoint]

    public init(name: String, colorIndex: Int, dashed: Bool = false, points: [PlotPoint]) {
        self.name = name
        self.colorIndex = colorIndex
        self.dashed = dashed
        self.points = points
    }

    /// Its colour and whether it is dashed.
    var style: (color: String, dashed: Bool) {
        let (color, dashed) = LinePlot.color(colorIndex)
        return (color, dashed || self.dashed)
    }
}

/// Where the plot area lies in the picture and which values its edges stand for: the map from data to SVG
/// coordinates (y grows downwards in SVG).
public struct PlotFrame: Sendable, Equatable {
    public let left: Double, top: Double, right: Double, bottom: Double
    public let xDomain: ClosedRange<Double>
    public let yDomain: ClosedRange<Double>

    /// The SVG x of data value `value`.
    public func x(_ value: Double) -> Double {
        left + (value - xDomain.lowerBound) / (xDomain.upperBound - xDomain.lowerBound) * (right - left)
    }

    /// The SVG y of data value `value`.
    public func y(_ value: Double) -> Double {
        bottom - (value - yDomain.lowerBound) / (yDomain.upperBound - yDomain.lowerBound) * (bottom - top)
    }
}

/// A line plot against step: a title, labelled axes with ticks and grid lines, one coloured line per series
/// with its band (the spread over seeds) and a legend on the right. `svg()` is a pure function of the plot.
///
/// Layout (pixels): a 1000 × 540 picture, the title at its top left; the plot area spans x 80…700 and y 60…470; the legend starts at
/// x 720. Axis domains extend the data's range to the nearest ticks (steps of 1, 2, 2.5 or 5 times a power of
/// ten, about six ticks), unless `xRange`/`yRange` fix them.
public struct LinePlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// A line under the legend saying what the bands are.
    public var note: String
    public var series: [PlotSeries]
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?

    public init(
        title: String, xLabel: String, yLabel: String, note: String = "", series: [PlotSeries],
        xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.note = note
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
    }

    public static let width = 1000.0, height = 540.0
    public static let plotLeft = 80.0, plotTop = 60.0, plotRight = 700.0, plotBottom = 470.0, legendLeft = 720.0

    /// Sixteen colours that stay apart from one another (Tableau 10, then six darker ones).
    public static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf", "#393b79", "#b8860b", "#000000", "#637939", "#ad494a", "#6b6ecf",
    ]

    /// The colour of series colour index `index`, and whether its line is dashed (past the palette).
    public static func color(_ index: Int) -> (color: String, dashed: Bool) {
        (palette[index % palette.count], index >= palette.count)
    }

    private var finitePoints: [PlotPoint] {
        series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && $0.low.isFinite && $0.high.isFinite }
    }

    /// The axes' ticks and the frame that maps data to the picture.
    public var frame: PlotFrame {
        let points = finitePoints
        let xs = points.map(\.x), ys = points.flatMap { [$0.low, $0.high, $0.y] }
        let xDomain = xRange ?? Self.niceDomain(xs.min() ?? 0, xs.max() ?? 1)
        let yDomain = yRange ?? Self.niceDomain(ys.min() ?? 0, ys.max() ?? 1)
        return PlotFrame(
            left: Self.plotLeft, top: Self.plotTop, right: Self.plotRight, bottom: Self.plotBottom, xDomain: xDomain, yDomain: yDomain)
    }

    /// A tick spacing of 1, 2, 2.5 or 5 times a power of ten giving about six ticks over `low…high`.
    public static func tickStep(_ low: Double, _ high: Double) -> Double {
        let raw = (high - low) / 6
        let power = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / power
        // A tolerance of 1e-9 so that a domain already widened to ticks keeps their step despite rounding.
        let f = fraction * (1 - 1e-9)
        let nice: Double = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10
        return nice * power
    }

    /// `low…high` widened to the nearest multiples of the tick step (a degenerate range first widened by 1, or by
    /// a tenth of its value).
    public static func niceDomain(_ low: Double, _ high: Double) -> ClosedRange<Double> {
        var low = low, high = high
        if high <= low {
            let pad = low == 0 ? 1 : abs(low) / 10
            low -= pad
            high += pad
        }
        let step = tickStep(low, high)
        return ((low / step + 1e-9).rounded(.down) * step)...((high / step - 1e-9).rounded(.up) * step)
    }

    /// The tick values inside `domain` (multiples of its tick step).
    public static func ticks(_ domain: ClosedRange<Double>) -> [Double] {
        let step = tickStep(domain.lowerBound, domain.upperBound)
        let first = Int((domain.lowerBound / step - 1e-9).rounded(.up)), last = Int((domain.upperBound / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        return (first...last).map { Double($0) * step }
    }

    /// A tick's label: as many decimals as the tick step needs, never "-0".
    public static func tickLabel(_ value: Double, step: Double) -> String {
        var decimals = max(0, Int((-log10(step)).rounded(.up)))
        if (step * pow(10, Double(decimals))).rounded() != step * pow(10, Double(decimals)) { decimals += 1 }
        let text = String(format: "%.\(decimals)f", value)
        return Double(text) == 0 ? String(format: "%.\(decimals)f", 0.0) : text
    }

    /// A coordinate as SVG text: two decimals.
    static func coordinate(_ value: Double) -> String { String(format: "%.2f", value) }

    /// `text` with XML's special characters escaped.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The plot as a standalone SVG document.
    public func svg() -> String {
        let f = frame
        let c = Self.coordinate, e = Self.escaped
        var out: [String] = []
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" "
                + "viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">")
        out.append("<title>\(e(title))</title>")
        out.append("<rect x=\"0\" y=\"0\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" fill=\"#ffffff\"/>")
        out.append("<text class=\"title\" x=\"20\" y=\"34\" font-size=\"19\" font-weight=\"bold\">\(e(title))</text>")
        // Grid, ticks and tick labels.
        let xStep = Self.tickStep(f.xDomain.lowerBound, f.xDomain.upperBound)
        let yStep = Self.tickStep(f.yDomain.lowerBound, f.yDomain.upperBound)
        out.append("<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">")
        for tick in Self.ticks(f.yDomain) { out.append("<line x1=\"\(c(f.left))\" y1=\"\(c(f.y(tick)))\" x2=\"\(c(f.right))\" y2=\"\(c(f.y(tick)))\"/>") }
        for tick in Self.ticks(f.xDomain) { out.append("<line x1=\"\(c(f.x(tick)))\" y1=\"\(c(f.top))\" x2=\"\(c(f.x(tick)))\" y2=\"\(c(f.bottom))\"/>") }
        out.append("</g>")
        out.append("<g class=\"axes\" stroke=\"#222222\" stroke-width=\"1.5\" font-size=\"14\" fill=\"#222222\">")
        out.append("<line class=\"x-axis\" x1=\"\(c(f.left))\" y1=\"\(c(f.bottom))\" x2=\"\(c(f.right))\" y2=\"\(c(f.bottom))\"/>")
        out.append("<line class=\"y-axis\" x1=\"\(c(f.left))\" y1=\"\(c(f.top))\" x2=\"\(c(f.left))\" y2=\"\(c(f.bottom))\"/>")
        for tick in Self.ticks(f.xDomain) {
            out.append("<line class=\"x-tick\" x1=\"\(c(f.x(tick)))\" y1=\"\(c(f.bottom))\" x2=\"\(c(f.x(tick)))\" y2=\"\(c(f.bottom + 6))\"/>")
            out.append("<text class=\"x-tick-label\" x=\"\(c(f.x(tick)))\" y=\"\(c(f.bottom + 24))\" stroke=\"none\" text-anchor=\"middle\">\(Self.tickLabel(tick, step: xStep))</text>")
        }
        for tick in Self.ticks(f.yDomain) {
            out.append("<line class=\"y-tick\" x1=\"\(c(f.left - 6))\" y1=\"\(c(f.y(tick)))\" x2=\"\(c(f.left))\" y2=\"\(c(f.y(tick)))\"/>")
            out.append("<text class=\"y-tick-label\" x=\"\(c(f.left - 10))\" y=\"\(c(f.y(tick) + 5))\" stroke=\"none\" text-anchor=\"end\">\(Self.tickLabel(tick, step: yStep))</text>")
        }
        out.append("<text class=\"x-label\" x=\"\(c((f.left + f.right) / 2))\" y=\"\(c(f.bottom + 52))\" stroke=\"none\" font-size=\"15\" text-anchor=\"middle\">\(e(xLabel))</text>")
        out.append("<text class=\"y-label\" x=\"0\" y=\"0\" stroke=\"none\" font-size=\"15\" text-anchor=\"middle\" transform=\"translate(22 \(c((f.top + f.bottom) / 2))) rotate(-90)\">\(e(yLabel))</text>")
        out.append("</g>")
        // Series: bands first (under every line), then lines, both in reverse order so that the first series (VAPO
        // in a report) lies on top of any line equal to it; lines are clipped to the plot area, markers are not.
        let clip = "plot-area"
        out.append("<defs><clipPath id=\"\(clip)\"><rect x=\"\(c(f.left))\" y=\"\(c(f.top))\" width=\"\(c(f.right - f.left))\" height=\"\(c(f.bottom - f.top))\"/></clipPath></defs>")
        let drawn = series.map { s in (s, s.points.filter { $0.x.isFinite && $0.y.isFinite && $0.low.isFinite && $0.high.isFinite }.sorted { $0.x < $1.x }) }
        out.append("<g class=\"bands\" clip-path=\"url(#\(clip))\">")
        for (s, points) in drawn.reversed() where points.count > 1 && points.contains(where: { $0.low != $0.high }) {
            let outline = points.map { "\(c(f.x($0.x))),\(c(f.y($0.high)))" } + points.reversed().map { "\(c(f.x($0.x))),\(c(f.y($0.low)))" }
            out.append("<polygon class=\"band\" data-series=\"\(e(s.name))\" points=\"\(outline.joined(separator: " "))\" fill=\"\(Self.color(s.colorIndex).color)\" fill-opacity=\"0.15\" stroke=\"none\"/>")
        }
        out.append("</g>")
        out.append("<g class=\"lines\">")
        for (s, points) in drawn.reversed() {
            let (color, dashed) = s.style
            let dash = dashed ? " stroke-dasharray=\"8 4\"" : ""
            out.append("<g class=\"series\" data-series=\"\(e(s.name))\">")
            if points.count > 1 {
                let line = points.map { "\(c(f.x($0.x))),\(c(f.y($0.y)))" }.joined(separator: " ")
                out.append("<polyline points=\"\(line)\" clip-path=\"url(#\(clip))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.2\" stroke-linejoin=\"round\"\(dash)/>")
            }
            if points.count <= 40 {
                for p in points { out.append("<circle cx=\"\(c(f.x(p.x)))\" cy=\"\(c(f.y(p.y)))\" r=\"3\" fill=\"\(color)\"/>") }
            }
            out.append("</g>")
        }
        out.append("</g>")
        out.append("<rect class=\"frame\" x=\"\(c(f.left))\" y=\"\(c(f.top))\" width=\"\(c(f.right - f.left))\" height=\"\(c(f.bottom - f.top))\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1\"/>")
        // Legend.
        out.append("<g class=\"legend\" font-size=\"\(c(legendFontSize))\">")
        var y = f.top + 8
        for s in series {
            let (color, dashed) = s.style
            let dash = dashed ? " stroke-dasharray=\"8 4\"" : ""
            out.append("<g class=\"legend-entry\" data-series=\"\(e(s.name))\">")
            out.append("<line x1=\"\(c(Self.legendLeft))\" y1=\"\(c(y))\" x2=\"\(c(Self.legendLeft + 28))\" y2=\"\(c(y))\" stroke=\"\(color)\" stroke-width=\"4\"\(dash)/>")
            out.append("<text x=\"\(c(Self.legendLeft + 36))\" y=\"\(c(y + 5))\" fill=\"#222222\">\(e(s.name))</text>")
            out.append("</g>")
            y += 22
        }
        if !note.isEmpty {
            y += 8
            for line in Self.wrapped(note, width: 30) {
                out.append("<text class=\"note\" x=\"\(c(Self.legendLeft))\" y=\"\(c(y + 5))\" font-size=\"12\" fill=\"#555555\">\(e(line))</text>")
                y += 16
            }
        }
        out.append("</g>")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The legend's font size: 14, or smaller so that the longest name (about 0.6 em a character) fits the
    /// picture's width.
    var legendFontSize: Double {
        let longest = Double(series.map(\.name.count).max() ?? 0)
        let room = Self.width - Self.legendLeft - 36 - 6
        return longest == 0 ? 14 : min(14, (room / (0.6 * longest) * 4).rounded(.down) / 4)
    }

    /// `text` cut into lines of at most `width` characters at spaces (a longer word keeps its own line).
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
