// Specs/experiments.md, "Plots": the SVG text of a line plot: frame, axes, ticks, bands, lines, legend.
import Foundation

extension LinePlot {
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
