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
}
