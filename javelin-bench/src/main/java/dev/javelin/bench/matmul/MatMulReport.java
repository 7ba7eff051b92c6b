package dev.javelin.bench.matmul;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Renders {@code bench matmul} results: the Markdown table, the JSON file and the plot. */
final class MatMulReport {
    private MatMulReport() {}

    static void printTable(PrintStream out, int n, List<MatMulRow> rows, double perCorePeak, List<String> notes) {
        double naive = rows.stream().filter(r -> r.impl().equals("java-naive")).mapToDouble(MatMulRow::gflops)
                .findFirst().orElse(Double.NaN);
        out.printf(Locale.ROOT, "n = %d%n%n", n);
        out.println("| implementation | threads | time | GFLOP/s | speed-up vs naive loops | % peak | peak memory |");
        out.println("|---|--:|--:|--:|--:|--:|--:|");
        for (MatMulRow r : rows) {
            out.printf(Locale.ROOT, "| %s | %d | %s | %.1f | %s | %.0f%% | %s |%n", r.label(), r.threads(),
                    time(r.seconds()), r.gflops(), speedup(r.gflops() / naive), 100 * r.gflops() / (perCorePeak * r.threads()),
                    r.peakRssMb() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", r.peakRssMb()));
        }
        out.println();
        for (String note : notes) out.println("- " + note);
        out.println();
        out.flush();
    }

    static void writeJson(Path file, double peakGflops, List<MatMulRow> rows) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("peak_gflops", peakGflops);
        ArrayNode results = root.putArray("results");
        for (MatMulRow r : rows) {
            double naive = rows.stream().filter(x -> x.n() == r.n() && x.impl().equals("java-naive"))
                    .mapToDouble(MatMulRow::gflops).findFirst().orElse(Double.NaN);
            ObjectNode o = results.addObject();
            o.put("impl", r.impl());
            o.put("threads", r.threads());
            o.put("n", r.n());
            o.put("seconds", r.seconds());
            o.put("gflops", r.gflops());
            o.put("speedup_vs_naive", r.gflops() / naive);
            o.put("peak_rss_mb", r.peakRssMb());
        }
        mapper.writeValue(file.toFile(), root);
    }

    static void writePlot(Path file, List<MatMulRow> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560).title("FP32 matmul, n×n")
                .xAxisTitle("n").yAxisTitle("GFLOP/s").build();
        // GFLOP/s spans three decades from the naive loop to BLAS: log scale; sizes stay linear so
        // each measured n gets a readable tick
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setXAxisDecimalPattern("#");
        Map<String, List<MatMulRow>> series = new LinkedHashMap<>();
        for (MatMulRow r : rows) {
            series.computeIfAbsent(r.label() + " (" + r.threads() + (r.threads() == 1 ? " thread)" : " threads)"),
                    k -> new java.util.ArrayList<>()).add(r);
        }
        for (var e : series.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(MatMulRow::n).toArray();
            double[] y = e.getValue().stream().mapToDouble(MatMulRow::gflops).toArray();
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static String time(double s) {
        if (s >= 1) return String.format(Locale.ROOT, "%.2f s", s);
        if (s >= 1e-3) return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
        return String.format(Locale.ROOT, "%.1f µs", s * 1e6);
    }

    private static String speedup(double x) {
        if (Double.isNaN(x)) return "n/a";
        return x >= 10 ? String.format(Locale.ROOT, "%.0f×", x) : String.format(Locale.ROOT, "%.1f×", x);
    }
}
