package io.kakunin.bench;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.kb.RuleFileProbe;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.input.ContractConstraints;
import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.RulesetFiles;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.PredefinedScopeHibernateValidator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's costs beside the cost of reading the request: each evaluation is measured next
 * to the Jackson parse of the same body into the same model classes, in the same forked JVM,
 * so that the ratio is taken under the same conditions, with a fixed heap in every fork (the
 * ratios of allocation-heavy paths otherwise move with the heap the JVM happens to size). Run
 * through {@link RunEngineBenchmarks}.
 */
public class EngineBenchmarks {

    /** Assessments of one organization with 3 (typical) or 50 (large) fully described products. */
    @State(Scope.Benchmark)
    public static class Assessments {
        @Param({"3", "50"})
        public int products;

        byte[] body;
        AssessmentRequest request;
        Ruleset ruleset;

        @Setup
        public void setUp() {
            body = Requests.assessment(products);
            request = Json.mapper().readValue(body, AssessmentRequest.class);
            ruleset = Ruleset.builtIn();
            ruleset.assess(request, Locale.ENGLISH);
        }
    }

    /**
     * The contract's constraints over a request as the service checks them, by Hibernate
     * Validator: as Spring Boot configures it by default (metadata found and cached on first use,
     * each validated bean tracked against cycles) and with a predefined scope (the model's
     * classes given up front, so the metadata is built once and the bean graph's cycles are
     * known before any request).
     */
    @State(Scope.Benchmark)
    public static class Validators {
        Validator standard;
        Validator predefined;

        @Setup
        public void setUp() {
            standard = Validation.byProvider(HibernateValidator.class)
                    .configure()
                    .buildValidatorFactory()
                    .getValidator();
            predefined = Validation.byProvider(PredefinedScopeHibernateValidator.class)
                    .configure()
                    .initializeBeanMetaData(ModelTypes.reachableFrom(AssessmentRequest.class))
                    .buildValidatorFactory()
                    .getValidator();
        }
    }

    /** A share of a STIX bundle of 200 (typical) or 5,000 objects, with a victim profile. */
    @State(Scope.Benchmark)
    public static class Shares {
        @Param({"200", "5000"})
        public int objects;

        byte[] body;
        SharingReviewRequest request;
        Ruleset ruleset;

        @Setup
        public void setUp() {
            body = Requests.stixShare(objects);
            request = Json.mapper().readValue(body, SharingReviewRequest.class);
            ruleset = Ruleset.builtIn();
            ruleset.review(request, Locale.ENGLISH);
        }
    }

    /** A share whose bundle holds a containment chain of 1,000 or 10,000 notes ({@link Requests#stixChain}). */
    @State(Scope.Benchmark)
    public static class Chains {
        @Param({"1000", "10000"})
        public int notes;

        byte[] body;
        SharingReviewRequest request;
        Ruleset ruleset;

        @Setup
        public void setUp() {
            body = Requests.stixChain(notes);
            request = Json.mapper().readValue(body, SharingReviewRequest.class);
            ruleset = Ruleset.builtIn();
            ruleset.review(request, Locale.ENGLISH);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public AssessmentRequest assessmentParse(Assessments s) {
        return Json.mapper().readValue(s.body, AssessmentRequest.class);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public Assessment assessmentEvaluate(Assessments s) {
        return s.ruleset.assess(s.request, Locale.ENGLISH);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public Set<?> assessmentValidate(Assessments s, Validators v) {
        return v.standard.validate(s.request);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public Set<?> assessmentValidatePredefined(Assessments s, Validators v) {
        return v.predefined.validate(s.request);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public List<InputFault> assessmentContractCheck(Assessments s) {
        return ContractConstraints.check(s.request);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public SharingReviewRequest shareParse(Shares s) {
        return Json.mapper().readValue(s.body, SharingReviewRequest.class);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public SharingReview shareReview(Shares s) {
        return s.ruleset.review(s.request, Locale.ENGLISH);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 4, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public SharingReviewRequest chainParse(Chains s) {
        return Json.mapper().readValue(s.body, SharingReviewRequest.class);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 4, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public SharingReview chainReview(Chains s) {
        return s.ruleset.review(s.request, Locale.ENGLISH);
    }

    /**
     * One product rule file of the built-in ruleset compiled on its own from its DRL text (with the
     * catalog, texts and thresholds) and fired on the typical request's facts as an evaluation
     * fires them, without the verdict: which file the rules' cost comes from.
     */
    @State(Scope.Benchmark)
    public static class RuleFiles {
        @Param({
            "after-shipment",
            "attack-surface",
            "authentication",
            "data-protection",
            "integrity-and-transparency",
            "organization",
            "policy",
            "requirements-and-risk",
            "software-updates",
            "support",
            "verification"
        })
        public String file;

        /**
         * Whose rule files: the built-in ones, or a rules directory (an exported copy of another
         * revision's rules, {@code kakunin export}) to compare a rewrite with what it replaced in one run.
         */
        @Param({"built-in"})
        public String rules;

        AssessmentRequest request;
        RuleFileProbe probe;

        @Setup(Level.Trial)
        public void setUp() {
            request = Json.mapper().readValue(Requests.assessment(3), AssessmentRequest.class);
            RulesetFiles files = rules.equals("built-in")
                    ? RulesetFiles.builtIn(RuleFiles.class.getClassLoader())
                    : RulesetFiles.fromDirectory(java.nio.file.Path.of(rules));
            probe = RuleFileProbe.compile(files, "product/" + file + ".drl");
            if (probe.fire(request) == 0) {
                throw new IllegalStateException("product/" + file + ".drl reports nothing on the typical request");
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 3, time = 1)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public int ruleFile(RuleFiles r) {
        return r.probe.fire(r.request);
    }

    /** The files of the built-in ruleset, compiled from DRL text as a reload compiles a rules directory. */
    @State(Scope.Benchmark)
    public static class Reload {
        RulesetFiles files;

        @Setup(Level.Trial)
        public void setUp() {
            files = RulesetFiles.builtIn(Reload.class.getClassLoader());
        }
    }

    /** The first build in a fresh JVM: what a service pays for its first reload. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(
            value = 3,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public Ruleset reloadCold(Reload r) {
        return Ruleset.compile(r.files, "benchmark");
    }

    /** A reload in a JVM that has compiled rules before: every later edit. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 5)
    @Measurement(iterations = 5, time = 5)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    public Ruleset reloadWarm(Reload r) {
        return Ruleset.compile(r.files, "benchmark");
    }
}
