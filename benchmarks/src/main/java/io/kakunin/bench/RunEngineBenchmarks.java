package io.kakunin.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs {@link EngineBenchmarks} a number of times (rounds) and prints every engine target with
 * its figure: the median and range over the rounds, and whether the median meets it. A single
 * run is no figure on a machine whose ratios move by 2 × between runs; the allocation per
 * operation printed beside each time (JMH's GC profiler) barely moves and shows what a change saved.
 *
 * <pre>scripts/bench-engine.sh [--rounds N] [--param name=v1,v2] [JMH include regexp]</pre>
 *
 * <p>{@code scripts/bench-engine.sh --param products=3 'ruleFile|assessment(Parse|Evaluate)'} measures each product
 * rule file on its own beside the typical evaluation and its parse.
 */
public final class RunEngineBenchmarks {

    private RunEngineBenchmarks() {}

    /** One round's figures: statistics and bytes allocated per operation, by benchmark[param]. */
    private record Round(Map<String, Statistics> times, Map<String, Double> allocated) {}

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        String include = EngineBenchmarks.class.getSimpleName();
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--param")) {
                // only these values of a benchmark parameter, e.g. --param products=3
                String[] kv = args[++i].split("=", 2);
                params.put(kv[0], kv[1]);
            } else {
                include = args[i];
            }
        }
        List<Round> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.printf(
                    Locale.ROOT, "%n==================== round %d of %d ====================%n", round, rounds);
            OptionsBuilder builder = new OptionsBuilder();
            builder.include(include).addProfiler(GCProfiler.class).shouldFailOnError(true);
            params.forEach((key, value) -> builder.param(key, value.split(",")));
            Options options = builder.build();
            results.add(round(new Runner(options).run()));
        }
        report(results);
    }

    private static Round round(Collection<RunResult> run) {
        Map<String, Statistics> times = new LinkedHashMap<>();
        Map<String, Double> allocated = new LinkedHashMap<>();
        for (RunResult r : run) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            List<String> params = new ArrayList<>();
            for (String key : r.getParams().getParamsKeys()) {
                params.add(r.getParams().getParam(key));
            }
            String id = params.isEmpty() ? name : name + "[" + String.join(",", params) + "]";
            times.put(id, r.getPrimaryResult().getStatistics());
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            if (alloc != null) {
                allocated.put(id, alloc.getScore());
            }
        }
        return new Round(times, allocated);
    }

    private static void report(List<Round> rounds) {
        System.out.printf(
                Locale.ROOT,
                "%n==================== Kakunin engine targets (median of %d rounds [range]) ====================%n",
                rounds.size());
        for (String size : new String[] {"3", "50"}) {
            pair(
                    rounds,
                    "assessment, " + size + " products",
                    "assessmentParse[" + size + "]",
                    "assessmentEvaluate[" + size + "]");
        }
        for (String size : new String[] {"3", "50"}) {
            pair(
                    rounds,
                    "validation, " + size + " products",
                    "assessmentParse[" + size + "]",
                    "assessmentValidate[" + size + "]");
            pair(
                    rounds,
                    "validation, predefined scope, " + size,
                    "assessmentParse[" + size + "]",
                    "assessmentValidatePredefined[" + size + "]");
            pair(
                    rounds,
                    "the reader's contract check, " + size,
                    "assessmentParse[" + size + "]",
                    "assessmentContractCheck[" + size + "]");
        }
        for (String objects : new String[] {"200", "5000"}) {
            pair(
                    rounds,
                    "sharing review, " + objects + " STIX objects",
                    "shareParse[" + objects + "]",
                    "shareReview[" + objects + "]");
        }
        for (String notes : new String[] {"1000", "10000"}) {
            pair(
                    rounds,
                    "sharing review, chain of " + notes + " notes",
                    "chainParse[" + notes + "]",
                    "chainReview[" + notes + "]");
        }
        ruleFiles(rounds);
        System.out.println();
        target(
                rounds,
                "typical evaluation / its parse (mean)",
                "<= 1.00",
                1.0,
                r -> ratio(r, "assessmentEvaluate[3]", "assessmentParse[3]"));
        target(rounds, "typical evaluation p99 (us)", "<= 100", 100, r -> percentile(r, "assessmentEvaluate[3]", 99));
        target(
                rounds,
                "50-product evaluation / its parse (mean)",
                "<= 1.00",
                1.0,
                r -> ratio(r, "assessmentEvaluate[50]", "assessmentParse[50]"));
        target(
                rounds,
                "STIX review of 200 objects / its parse (mean)",
                "<= 5.00",
                5.0,
                r -> ratio(r, "shareReview[200]", "shareParse[200]"));
        target(
                rounds,
                "STIX review 5,000 vs 200 objects, per object",
                "<= 1.50 (linear)",
                1.5,
                r -> perObject(r, "shareReview[5000]", 5000, "shareReview[200]", 200));
        target(
                rounds,
                "chain of 10,000 vs 1,000 notes, per note",
                "<= 1.50 (linear)",
                1.5,
                r -> perObject(r, "chainReview[10000]", 10000, "chainReview[1000]", 1000));
        target(rounds, "warm reload of the built-in ruleset, mean (ms)", "< 500", 499.999, r -> mean(r, "reloadWarm"));
        Double cold = median(rounds, r -> mean(r, "reloadCold"));
        if (cold != null) {
            System.out.printf(
                    Locale.ROOT,
                    "%-52s %10.0f   (no target; the first build in a fresh JVM)%n",
                    "knowledge base from DRL, cold (ms)",
                    cold);
        }
    }

    /** Each product rule file on its own, fired on the typical request: mean and range over the rounds, allocation. */
    private static void ruleFiles(List<Round> rounds) {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (Round r : rounds) {
            r.times().keySet().stream().filter(id -> id.startsWith("ruleFile[")).forEach(ids::add);
        }
        if (ids.isEmpty()) {
            return;
        }
        Double parseMean = median(rounds, r -> mean(r, "assessmentParse[3]"));
        System.out.printf(
                Locale.ROOT, "%nproduct rule files on their own, typical request (median [range] of the means)%n");
        for (String id : ids) {
            List<Double> values = new ArrayList<>();
            for (Round r : rounds) {
                Double v = mean(r, id);
                if (v != null) {
                    values.add(v);
                }
            }
            values.sort(Double::compare);
            double m = median(values);
            System.out.printf(
                    Locale.ROOT,
                    "  %-60s %8.1f us [%.1f–%.1f] %10s%s%n",
                    id.substring("ruleFile[".length(), id.length() - 1).replace(",built-in", ""),
                    m,
                    values.get(0),
                    values.get(values.size() - 1),
                    bytes(median(rounds, r -> r.allocated().get(id))),
                    parseMean == null ? "" : String.format(Locale.ROOT, "  %.2f × the parse", m / parseMean));
        }
    }

    private static void pair(List<Round> rounds, String what, String parse, String work) {
        Double parseMean = median(rounds, r -> mean(r, parse));
        Double workMean = median(rounds, r -> mean(r, work));
        if (parseMean == null || workMean == null) {
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "%-40s parse %9.1f us %9s | work %9.1f us p99 %9.1f %9s | ratio %.2f%n",
                what,
                parseMean,
                bytes(median(rounds, r -> r.allocated().get(parse))),
                workMean,
                median(rounds, r -> percentile(r, work, 99)),
                bytes(median(rounds, r -> r.allocated().get(work))),
                workMean / parseMean);
    }

    private static void target(
            List<Round> rounds, String what, String bound, double limit, Function<Round, Double> figure) {
        List<Double> values = sorted(rounds, figure);
        if (values.isEmpty()) {
            return;
        }
        double median = median(values);
        System.out.printf(
                Locale.ROOT,
                "%-52s %10.2f [%.2f–%.2f]  target %-18s %s%n",
                what,
                median,
                values.get(0),
                values.get(values.size() - 1),
                bound,
                median <= limit ? "MET" : String.format(Locale.ROOT, "MISSED by %.1f ×", median / limit));
    }

    private static Double median(List<Round> rounds, Function<Round, Double> figure) {
        List<Double> values = sorted(rounds, figure);
        return values.isEmpty() ? null : median(values);
    }

    /** A figure of every round that has it, in ascending order. */
    private static List<Double> sorted(List<Round> rounds, Function<Round, Double> figure) {
        List<Double> values = new ArrayList<>();
        for (Round r : rounds) {
            Double v = figure.apply(r);
            if (v != null) {
                values.add(v);
            }
        }
        values.sort(Double::compare);
        return values;
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Double mean(Round r, String id) {
        Statistics s = r.times().get(id);
        return s == null ? null : s.getMean();
    }

    private static Double percentile(Round r, String id, double p) {
        Statistics s = r.times().get(id);
        return s == null ? null : s.getPercentile(p);
    }

    private static Double ratio(Round r, String work, String parse) {
        Double w = mean(r, work);
        Double p = mean(r, parse);
        return w == null || p == null ? null : w / p;
    }

    /** How much more one object costs in the large case than in the small one (1.0: linear). */
    private static Double perObject(Round r, String large, int largeCount, String small, int smallCount) {
        Double l = mean(r, large);
        Double s = mean(r, small);
        return l == null || s == null ? null : (l / largeCount) / (s / smallCount);
    }

    private static String bytes(Double perOp) {
        if (perOp == null || perOp.isNaN()) {
            return "";
        }
        return perOp >= 1 << 20
                ? String.format(Locale.ROOT, "%.1f MB/op", perOp / (1 << 20))
                : String.format(Locale.ROOT, "%.0f KB/op", perOp / 1024);
    }
}
