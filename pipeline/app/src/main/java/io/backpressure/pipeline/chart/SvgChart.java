package io.backpressure.pipeline.chart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A hand-written SVG line chart: panels stacked vertically, each with labelled axes, a legend, optional shaded bands
 * and dashed reference lines. Every series is exactly one {@code <path>} and nothing else is drawn with a path, so
 * a reader (or a test) can count series. No dependency: the output is plain text.
 */
public final class SvgChart {
    private static final int WIDTH = 960;
    private static final int PANEL_HEIGHT = 340;
    private static final int TOP = 56;
    private static final int LEFT = 84;
    private static final int PLOT_WIDTH = 620;
    private static final int PLOT_HEIGHT = 250;
    private static final int TICKS = 6;

    private SvgChart() {
    }

    /** One line: {@code x} and {@code y} of equal length. */
    public record Series(String name, String color, boolean dashed, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + " has " + x.length + " x values but " + y.length + " y values");
            }
        }
    }

    /** A shaded stretch of the x axis, such as the time a trigger was active. */
    public record Band(double from, double to, String label) {
    }

    /** A horizontal dashed line, such as the downstream's capacity. */
    public record Reference(double y, String label) {
    }

    /** @param logY a logarithmic y axis, for series that differ by orders of magnitude; every y must then be positive */
    public record Panel(String title, String xLabel, String yLabel, List<Series> series, List<Band> bands,
                        List<Reference> references, boolean logY) {
        public Panel(String title, String xLabel, String yLabel, List<Series> series) {
            this(title, xLabel, yLabel, series, List.of(), List.of(), false);
        }

        public Panel withLogY() {
            return new Panel(title, xLabel, yLabel, series, bands, references, true);
        }
    }

    /** @param subtitle lines under the title, for the parameters that produced the data */
    public static String render(String title, List<String> subtitle, List<Panel> panels) {
        int top = TOP + 16 * Math.max(0, subtitle.size() - 1);
        int height = top + panels.size() * PANEL_HEIGHT;
        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        text(svg, LEFT, 24, "start", "font-size=\"16\" font-weight=\"bold\"", title);
        for (int i = 0; i < subtitle.size(); i++) {
            text(svg, LEFT, 42 + 16 * i, "start", "fill=\"#555\"", subtitle.get(i));
        }
        for (int i = 0; i < panels.size(); i++) {
            panel(svg, panels.get(i), top + i * PANEL_HEIGHT + 30);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, Panel panel, int top) {
        Scale x = LinearScale.of(panel.series().stream().flatMapToDouble(s -> Arrays.stream(s.x())).toArray(), false);
        List<Double> ys = new ArrayList<>();
        panel.series().forEach(s -> Arrays.stream(s.y()).forEach(ys::add));
        panel.references().forEach(r -> ys.add(r.y()));
        double[] yValues = ys.stream().mapToDouble(Double::doubleValue).toArray();
        Scale y = panel.logY() ? LogScale.of(yValues) : LinearScale.of(yValues, true);
        int bottom = top + PLOT_HEIGHT;
        int right = LEFT + PLOT_WIDTH;

        text(svg, LEFT, top - 10, "start", "font-size=\"14\" font-weight=\"bold\"", panel.title());
        for (Band band : panel.bands()) {
            double x0 = px(x, band.from());
            double x1 = px(x, band.to());
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f4b400\" "
                    + "fill-opacity=\"0.18\"/>%n", x0, top, Math.max(1, x1 - x0), PLOT_HEIGHT));
            text(svg, (x0 + x1) / 2, top + 14, "middle", "fill=\"#8a6d00\"", band.label());
        }
        for (double v : y.ticks()) {
            double py = py(y, v, top);
            line(svg, LEFT, py, right, py, "#e5e5e5", false);
            text(svg, LEFT - 6, py + 4, "end", "", y.label(v));
        }
        for (double v : x.ticks()) {
            double pxv = px(x, v);
            line(svg, pxv, bottom, pxv, bottom + 5, "#333", false);
            text(svg, pxv, bottom + 18, "middle", "", x.label(v));
        }
        line(svg, LEFT, bottom, right, bottom, "#333", false);
        line(svg, LEFT, top, LEFT, bottom, "#333", false);
        text(svg, (LEFT + right) / 2.0, bottom + 36, "middle", "", panel.xLabel());
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 %d %.1f)\">%s</text>%n",
                LEFT - 56, top + PLOT_HEIGHT / 2.0, LEFT - 56, top + PLOT_HEIGHT / 2.0, escape(panel.yLabel())));
        for (Reference ref : panel.references()) {
            double py = py(y, ref.y(), top);
            line(svg, LEFT, py, right, py, "#999", true);
            text(svg, right - 4, py - 4, "end", "fill=\"#666\"", ref.label());
        }
        for (Series s : panel.series()) {
            StringBuilder d = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                d.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px(x, s.x()[i]), py(y, s.y()[i], top)));
            }
            svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s><title>%s</title></path>%n",
                    d, s.color(), s.dashed() ? " stroke-dasharray=\"6 4\"" : "", escape(s.name())));
        }
        legend(svg, panel.series(), right + 20, top + 8);
    }

    private static void legend(StringBuilder svg, List<Series> series, int left, int top) {
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int y = top + i * 20;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    left, y, left + 24, y, s.color(), s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            text(svg, left + 30, y + 4, "start", "", s.name());
        }
    }

    private static double px(Scale x, double v) {
        return LEFT + x.fraction(v) * PLOT_WIDTH;
    }

    private static double py(Scale y, double v, int top) {
        return top + PLOT_HEIGHT - y.fraction(v) * PLOT_HEIGHT;
    }

    private static void line(StringBuilder svg, double x1, double y1, double x2, double y2, String color, boolean dashed) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
                x1, y1, x2, y2, color, dashed ? " stroke-dasharray=\"4 4\"" : ""));
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String attributes, String content) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n",
                x, y, anchor, attributes, escape(content)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Maps data values to [0, 1] along an axis and says where its labelled ticks go. */
    private interface Scale {
        double fraction(double v);

        List<Double> ticks();

        String label(double v);
    }

    /** A linear axis over "nice" round ticks (1, 2 or 5 times a power of ten) that cover the data. */
    private record LinearScale(double min, double max, double step) implements Scale {
        static LinearScale of(double[] values, boolean fromZero) {
            double lo = fromZero ? 0 : Arrays.stream(values).min().orElse(0);
            double hi = Arrays.stream(values).max().orElse(1);
            if (!(hi > lo)) {
                hi = lo + 1;
            }
            double step = nice((hi - lo) / (TICKS - 1));
            return new LinearScale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
        }

        private static double nice(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / power;
            return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
        }

        @Override
        public double fraction(double v) {
            return (v - min) / (max - min);
        }

        @Override
        public List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            long count = Math.round((max - min) / step);
            for (long i = 0; i <= count; i++) {
                ticks.add(min + i * step);
            }
            return ticks;
        }

        @Override
        public String label(double v) {
            return step >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : decimals(v, step);
        }
    }

    /** A base-10 logarithmic axis from the decade below the smallest value to the decade above the largest. */
    private record LogScale(int lowDecade, int highDecade) implements Scale {
        static LogScale of(double[] values) {
            double lo = Arrays.stream(values).filter(v -> v > 0).min().orElse(1);
            double hi = Arrays.stream(values).max().orElse(10);
            int low = (int) Math.floor(Math.log10(lo));
            int high = Math.max(low + 1, (int) Math.ceil(Math.log10(hi)));
            return new LogScale(low, high);
        }

        @Override
        public double fraction(double v) {
            return (Math.log10(Math.max(v, Math.pow(10, lowDecade))) - lowDecade) / (highDecade - lowDecade);
        }

        /** 1, 2 and 5 of each decade while there are few decades; only the powers of ten beyond that. */
        @Override
        public List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (int d = lowDecade; d <= highDecade; d++) {
                for (int m : highDecade - lowDecade <= 3 ? new int[] {1, 2, 5} : new int[] {1}) {
                    if (d < highDecade || m == 1) {
                        ticks.add(m * Math.pow(10, d));
                    }
                }
            }
            return ticks;
        }

        @Override
        public String label(double v) {
            return v >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : decimals(v, v);
        }
    }

    private static String decimals(double v, double resolution) {
        int decimals = (int) Math.ceil(-Math.log10(resolution) - 1e-9);
        return String.format(Locale.ROOT, "%." + Math.max(0, decimals) + "f", v);
    }
}
