package io.kakunin.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs {@link EngineBenchmarks} and prints what the targets are about: evaluation ÷ parse of the
 * same body (mean and median), the evaluation's p99, and the reload times.
 * {@code scripts/bench-engine.sh [jmh regexp]}.
 */
public final class RunEngineBenchmarks {

    private RunEngineBenchmarks() {}

    public static void main(String[] args) throws Exception {
        String include = args.length > 0 ? args[0] : EngineBenchmarks.class.getSimpleName();
        Options options =
                new OptionsBuilder().include(include).shouldFailOnError(true).build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, Statistics> stats = new LinkedHashMap<>();
        for (RunResult r : results) {
            Result<?> primary = r.getPrimaryResult();
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String products = r.getParams().getParam("products");
            stats.put(products == null ? name : name + "[" + products + "]", primary.getStatistics());
        }
        System.out.println();
        System.out.println("==================== Kakunin engine benchmarks ====================");
        for (String size : new String[] {"3", "50"}) {
            Statistics parse = stats.get("assessmentParse[" + size + "]");
            Statistics evaluate = stats.get("assessmentEvaluate[" + size + "]");
            if (parse != null && evaluate != null) {
                line("assessment, " + size + " products", parse, evaluate, "evaluate");
            }
        }
        Statistics shareParse = stats.get("shareParse");
        Statistics shareReview = stats.get("shareReview");
        if (shareParse != null && shareReview != null) {
            line("sharing review, 200 STIX objects", shareParse, shareReview, "review");
        }
        Statistics typical = stats.get("assessmentEvaluate[3]");
        if (typical != null) {
            System.out.printf(
                    Locale.ROOT, "typical evaluation p99: %.1f us (target <= 100 us)%n", typical.getPercentile(99));
            System.out.printf(
                    Locale.ROOT,
                    "typical evaluation / parse (mean): %.2f (target <= 1.0)%n",
                    typical.getMean() / stats.get("assessmentParse[3]").getMean());
        }
        Statistics cold = stats.get("reloadCold");
        Statistics warm = stats.get("reloadWarm");
        if (cold != null) {
            System.out.printf(
                    Locale.ROOT,
                    "knowledge base from DRL, first build in a fresh JVM: %.0f ms (mean of %d forks)%n",
                    cold.getMean(),
                    cold.getN());
        }
        if (warm != null) {
            System.out.printf(
                    Locale.ROOT,
                    "warm reload of the full built-in ruleset: mean %.0f ms, p50 %.0f ms, p99 %.0f ms (target < 500 ms)%n",
                    warm.getMean(),
                    warm.getPercentile(50),
                    warm.getPercentile(99));
        }
    }

    private static void line(String what, Statistics parse, Statistics work, String verb) {
        System.out.printf(
                Locale.ROOT,
                "%-34s parse mean %8.1f us p50 %8.1f p99 %8.1f | %s mean %8.1f us p50 %8.1f p99 %8.1f | ratio %s/parse: mean %.2f, p50 %.2f%n",
                what,
                parse.getMean(),
                parse.getPercentile(50),
                parse.getPercentile(99),
                verb,
                work.getMean(),
                work.getPercentile(50),
                work.getPercentile(99),
                verb,
                work.getMean() / parse.getMean(),
                work.getPercentile(50) / parse.getPercentile(50));
    }
}
