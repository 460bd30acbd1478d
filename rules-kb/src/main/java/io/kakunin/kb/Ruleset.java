package io.kakunin.kb;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.Product;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.kb.compile.DrlCompiler;
import io.kakunin.kb.input.Facts;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.input.PointerIndex;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.Integrity;
import io.kakunin.kb.ruleset.Messages;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.kb.ruleset.RuleLocator;
import io.kakunin.kb.ruleset.RulesetContent;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.kb.ruleset.Thresholds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.drools.model.Model;
import org.drools.modelcompiler.KieBaseBuilder;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionsPool;

/**
 * A compiled, checked ruleset: the knowledge base, its catalog, messages and thresholds, and
 * the revision (content digest) that identifies it. Immutable and thread-safe: build it once,
 * share it, and call {@link #assess} from any number of threads.
 *
 * <pre>
 * Ruleset kb = Ruleset.builtIn();
 * Assessment verdict = kb.assess(request, Locales.resolve("ja"));
 * </pre>
 */
public final class Ruleset {

    /** Where a ruleset was loaded from when it is the one shipped inside this jar. */
    public static final String BUILT_IN = "built-in";

    private final RulesetContent content;
    private final KieBase kieBase;
    private final VerdictAssembler assembler;
    private final SharingReviewer reviewer;
    private final JcStarChecklists jcStar;
    private final Clock clock;
    /**
     * Sessions reused across evaluations: a returned session is reset, keeping the memory
     * structures a new one would build again (about a sixth of an evaluation). Owned by this
     * ruleset and never shut down: a request may still hold a session of a ruleset that a
     * reload has just replaced; the pool goes with the ruleset when nothing uses it any more.
     */
    private final KieSessionsPool sessions;

    private Ruleset(RulesetFiles files, String source, KieBase kieBase, Clock clock) {
        this.kieBase = kieBase;
        this.clock = clock;
        this.content = new RulesetContent(files, source, indexRules(kieBase, files));
        List<Diagnostic> problems = Integrity.check(content);
        if (problems.stream().anyMatch(Diagnostic::isError)) {
            throw new RulesetException("the ruleset is not consistent", problems);
        }
        this.sessions = kieBase.newKieSessionsPool(Runtime.getRuntime().availableProcessors());
        this.assembler = new VerdictAssembler(content);
        this.reviewer = new SharingReviewer(content, assembler, sessions::newKieSession);
        this.jcStar = new JcStarChecklists(content, assembler);
    }

    /** The same compiled ruleset with another clock: everything else, the session pool included, is shared. */
    private Ruleset(Ruleset other, Clock clock) {
        this.content = other.content;
        this.kieBase = other.kieBase;
        this.clock = clock;
        this.assembler = other.assembler;
        this.reviewer = other.reviewer;
        this.jcStar = other.jcStar;
        this.sessions = other.sessions;
    }

    /** The same compiled ruleset, named by another source: the knowledge base and the session pool are shared. */
    private Ruleset(Ruleset other, String source) {
        this.content = new RulesetContent(other.files(), source, other.rules());
        this.kieBase = other.kieBase;
        this.clock = other.clock;
        this.sessions = other.sessions;
        this.assembler = new VerdictAssembler(content);
        this.reviewer = new SharingReviewer(content, assembler, sessions::newKieSession);
        this.jcStar = new JcStarChecklists(content, assembler);
    }

    private static final class BuiltIn {
        static final Ruleset INSTANCE = loadBuiltIn(Map.of());
    }

    /** The ruleset shipped in this jar, compiled at build time; loaded once per JVM. */
    public static Ruleset builtIn() {
        return BuiltIn.INSTANCE;
    }

    /**
     * The built-in ruleset with some thresholds set to other values. The revision changes with
     * them, so a verdict always names exactly what decided it.
     */
    public static Ruleset builtIn(Map<String, Integer> thresholdOverrides) {
        return thresholdOverrides.isEmpty() ? builtIn() : loadBuiltIn(thresholdOverrides);
    }

    private static Ruleset loadBuiltIn(Map<String, Integer> overrides) {
        ClassLoader loader = Ruleset.class.getClassLoader();
        RulesetFiles files = withThresholds(RulesetFiles.builtIn(loader), overrides);
        return new Ruleset(files, BUILT_IN, builtInKieBase(), Clock.systemUTC());
    }

    private static KieBase builtInKieBase;

    /** The built-in knowledge base, built once per JVM; the same for every threshold setting. */
    private static synchronized KieBase builtInKieBase() {
        if (builtInKieBase == null) {
            builtInKieBase = builtInKieBase(Ruleset.class.getClassLoader());
        }
        return builtInKieBase;
    }

    /**
     * Starts building the built-in knowledge base on a background thread, so that a process can do
     * its other start-up work meanwhile; {@link #builtIn()} then waits for it, or builds it itself
     * (and reports the failure) if the background build failed.
     */
    public static void preloadBuiltIn() {
        // On the common pool: a one-off start-up task, before any container (and its executors) exists.
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                builtInKieBase();
            } catch (RuntimeException e) {
                // builtIn() tries again and reports it where it is needed
            }
        });
    }

    /** Where kie-maven-plugin lists the executable-model classes it generated for this module. */
    static final String BUILT_IN_MODELS = "META-INF/kie/io.kakunin/rules-kb/drools-model";

    /**
     * The knowledge base from the executable model compiled into this jar. Not through
     * {@code KieServices.newKieClasspathContainer()}: that scans the class path for kmodule.xml and,
     * inside a Spring Boot jar, reads the whole outer archive (34,000 entries, ~125 MB of heap kept
     * for the life of the process, and seconds of start-up). The models are instantiated directly.
     */
    private static KieBase builtInKieBase(ClassLoader loader) {
        List<Model> models = new ArrayList<>();
        try (InputStream in = loader.getResourceAsStream(BUILT_IN_MODELS)) {
            if (in == null) {
                throw new IllegalStateException(
                        "the built-in rules were not compiled into this jar: " + BUILT_IN_MODELS + " is missing");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("Drools-Model-Version:")) {
                    continue;
                }
                models.add((Model) Class.forName(name, true, loader)
                        .getDeclaredConstructor()
                        .newInstance());
            }
        } catch (IOException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the built-in rules from " + BUILT_IN_MODELS, e);
        }
        if (models.isEmpty()) {
            throw new IllegalStateException("no rule models listed in " + BUILT_IN_MODELS);
        }
        return KieBaseBuilder.createKieBaseFromModel(models);
    }

    /**
     * Compiles a ruleset from its files with the DRL compiler, as the service does for an
     * external rules directory. Compile errors come back as diagnostics with file and line.
     *
     * @throws RulesetException when the ruleset does not compile or is not consistent
     */
    public static Ruleset compile(RulesetFiles files, String source) {
        return compile(files, source, Map.of());
    }

    public static Ruleset compile(RulesetFiles files, String source, Map<String, Integer> thresholdOverrides) {
        RulesetFiles effective = withThresholds(files, thresholdOverrides);
        List<Diagnostic> refused = RuleLanguage.check(effective);
        if (!refused.isEmpty()) {
            throw new RulesetException("the rules contain what a rule may not; nothing of them was compiled", refused);
        }
        DrlCompiler.Result result = DrlCompiler.compile(effective);
        if (result.kieBase() == null) {
            throw new RulesetException("the rules do not compile", result.diagnostics());
        }
        return new Ruleset(effective, source, result.kieBase(), Clock.systemUTC());
    }

    /** A ruleset that was checked: the ruleset when it is usable, and every diagnostic found. */
    public record Checked(Ruleset ruleset, List<Diagnostic> diagnostics) {
        public boolean usable() {
            return ruleset != null;
        }
    }

    /**
     * Compiles and checks a ruleset without throwing: what the officers' {@code check} command
     * and the validation endpoint report. Warnings are kept even when the ruleset is usable.
     * Rule files that are byte for byte the built-in ones are not compiled again: the knowledge
     * base compiled into this jar from them is used.
     */
    public static Checked check(RulesetFiles files, String source, Map<String, Integer> thresholdOverrides) {
        return check(files, source, thresholdOverrides, null);
    }

    /**
     * Compiles and checks a ruleset without throwing, like {@link #check(RulesetFiles, String, Map)},
     * reusing the knowledge base of a ruleset at hand when the rule files are the same (an edit
     * of texts, the catalog, thresholds or fixtures alone compiles nothing).
     *
     * @param sameRules a ruleset whose knowledge base serves when its rule files are byte for byte
     *                  these (null: only the built-in one is considered)
     */
    public static Checked check(
            RulesetFiles files, String source, Map<String, Integer> thresholdOverrides, Ruleset sameRules) {
        RulesetFiles effective = withThresholds(files, thresholdOverrides);
        // The same rule files passed the rule-language check and compiled without a diagnostic
        // before (at build time for the built-in ones), and would again.
        KieBase compiled = compiledAlready(effective, sameRules);
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (compiled == null) {
            // What a rule may contain is checked on the parsed rules first: refused rules are never
            // compiled, let alone run.
            List<Diagnostic> refused = RuleLanguage.check(effective);
            if (!refused.isEmpty()) {
                return new Checked(null, refused);
            }
            DrlCompiler.Result result = DrlCompiler.compile(effective);
            diagnostics.addAll(result.diagnostics());
            if (result.kieBase() == null) {
                return new Checked(null, diagnostics);
            }
            compiled = result.kieBase();
        }
        try {
            return new Checked(new Ruleset(effective, source, compiled, Clock.systemUTC()), diagnostics);
        } catch (RulesetException e) {
            diagnostics.addAll(
                    e.diagnostics().isEmpty() ? List.of(Diagnostic.error("", e.getMessage())) : e.diagnostics());
            return new Checked(null, diagnostics);
        }
    }

    /**
     * The same ruleset under another {@link #source()}, the name its verdicts give for where the
     * rules came from (a service names them with a label of its operator's choosing rather than a
     * path of its file system). Nothing is compiled again, and the revision is the same.
     */
    public Ruleset withSource(String source) {
        return source.equals(source()) ? this : new Ruleset(this, source);
    }

    /** The knowledge base of these rule files, if one is at hand: the given ruleset's, or the built-in one. */
    private static KieBase compiledAlready(RulesetFiles files, Ruleset sameRules) {
        String rules = files.ruleSourcesDigest();
        if (sameRules != null && sameRules.files().ruleSourcesDigest().equals(rules)) {
            return sameRules.kieBase;
        }
        return BuiltInRuleSources.DIGEST.equals(rules) ? builtInKieBase() : null;
    }

    private static final class BuiltInRuleSources {
        static final String DIGEST =
                RulesetFiles.builtIn(Ruleset.class.getClassLoader()).ruleSourcesDigest();
    }

    /** The same ruleset, evaluating with another clock (for tests and re-evaluation). */
    public Ruleset withClock(Clock clock) {
        return new Ruleset(this, clock);
    }

    /**
     * The files a ruleset is compiled from once threshold overrides are applied: their
     * revision is the revision the compiled ruleset will have.
     */
    public static RulesetFiles effectiveFiles(RulesetFiles files, Map<String, Integer> thresholdOverrides) {
        return withThresholds(files, thresholdOverrides);
    }

    private static RulesetFiles withThresholds(RulesetFiles files, Map<String, Integer> overrides) {
        if (overrides.isEmpty()) {
            return files;
        }
        StringBuilder text = new StringBuilder(
                files.file("thresholds.properties").isPresent() ? files.text("thresholds.properties") : "");
        text.append(System.lineSeparator())
                .append("# overridden by configuration")
                .append(System.lineSeparator());
        new java.util.TreeMap<>(overrides)
                .forEach((name, value) ->
                        text.append(name).append('=').append(value).append(System.lineSeparator()));
        return files.with("thresholds.properties", text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, RuleInfo> indexRules(KieBase kieBase, RulesetFiles files) {
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        List<Diagnostic> problems = new ArrayList<>();
        RuleLocator locator = new RuleLocator(files);
        List<Rule> all = new ArrayList<>();
        for (KiePackage pkg : kieBase.getKiePackages()) {
            all.addAll(pkg.getRules());
        }
        all.sort(java.util.Comparator.comparing(Rule::getPackageName).thenComparing(Rule::getName));
        for (Rule rule : all) {
            RuleLocator.Location where = locator.locate(rule.getName());
            RuleInfo info = new RuleInfo(
                    rule.getName(),
                    rule.getPackageName(),
                    Outcomes.metadata(rule, "recommendation"),
                    Outcomes.metadata(rule, "reason"),
                    Outcomes.metadata(rule, "remedy"),
                    Outcomes.metadata(rule, "effectiveFrom"),
                    where.file(),
                    where.line());
            if (rules.putIfAbsent(rule.getName(), info) != null) {
                problems.add(new Diagnostic(
                        where.file(),
                        where.line(),
                        0,
                        Diagnostic.Severity.ERROR,
                        "rule \"" + rule.getName() + "\" exists twice; rule names must be unique across packages"));
            }
        }
        if (!problems.isEmpty()) {
            throw new RulesetException("the ruleset is not consistent", problems);
        }
        return Collections.unmodifiableMap(rules);
    }

    /**
     * Evaluates one assessment request and returns the verdict, with texts in the given
     * language. The verdict has no ID yet: whoever stores it assigns one.
     *
     * @throws InvalidFactsException when the request is structurally unusable (no organization,
     *                               no product, an empty product slot)
     */
    public Assessment assess(AssessmentRequest request, Locale locale) {
        return evaluate(request, locale);
    }

    /**
     * Evaluates one assessment request as {@link #assess} does, without rendering a text: the
     * verdict as it is stored (no titles, messages, remediations, measure titles, no language),
     * for a caller that returns no texts. {@link #localize} renders it, as it renders a stored one.
     */
    public Assessment assessUnrendered(AssessmentRequest request) {
        return evaluate(request, null);
    }

    private Assessment evaluate(AssessmentRequest request, Locale locale) {
        if (request == null) {
            throw new InvalidFactsException(List.of(new InvalidFactsException.Problem("", "the request is empty")));
        }
        PointerIndex index = new PointerIndex(request);
        Facts.check(request, index);
        LocalDate date = request.getAssessmentDate() != null
                ? request.getAssessmentDate()
                : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Facts.checkDates(request, date, index);
        Outcomes outcomes = new Outcomes(index, content.rules());
        KieSession session = newSession();
        try {
            fire(session, outcomes, request, new Evaluation(date, content.thresholds(), content.catalog()));
        } finally {
            session.dispose();
        }
        return assembler.assemble(request, outcomes, date, locale, clock.instant());
    }

    /**
     * Inserts the facts of an assessment request into a session and fires its rules: every
     * evaluation does this. Besides the organization and each product, each product is inserted
     * with its position ({@link ProductAt}), and each element of the product lists that rules
     * join on is a fact of its own with that position ({@link RequirementOf},
     * {@link RiskAcceptanceOf}, {@link NetworkServiceOf}, {@link CommunicationOf},
     * {@link CoverageOf}, {@link FindingOf}). A join on inserted facts is indexed on that int and
     * the facts are matched once, where {@code from} built a fact handle per element, keyed by
     * the element's deep {@code hashCode()}, for every rule that read the list, and a subnetwork
     * per {@code not}/{@code exists}/{@code forall}, on every evaluation. Null elements are left
     * out, as {@code from} leaves them out.
     */
    static void fire(KieSession session, Outcomes outcomes, AssessmentRequest request, Evaluation evaluation) {
        session.setGlobal("outcomes", outcomes);
        session.insert(evaluation);
        session.insert(request.getOrganization());
        List<Product> products = request.getProducts();
        for (int i = 0; i < products.size(); i++) {
            Product product = products.get(i);
            session.insert(product);
            session.insert(new ProductAt(i, product));
            insertParts(session, i, product);
        }
        session.fireAllRules();
    }

    private static void insertParts(KieSession session, int index, Product product) {
        insertEach(session, product.getSecurityRequirements(), r -> new RequirementOf(index, product, r));
        insertEach(session, product.getRiskAcceptances(), a -> new RiskAcceptanceOf(index, product, a));
        insertEach(session, product.getNetworkServices(), s -> new NetworkServiceOf(index, product, s));
        insertEach(session, product.getCommunications(), c -> new CommunicationOf(index, product, c));
        var verification = product.getVerification();
        if (verification != null) {
            insertEach(session, verification.getCoverage(), c -> new CoverageOf(index, product, c));
            insertEach(session, verification.getFindings(), f -> new FindingOf(index, product, f));
        }
    }

    private static <T> void insertEach(
            KieSession session, List<T> elements, java.util.function.Function<T, Object> fact) {
        if (elements == null) {
            return;
        }
        for (T element : elements) {
            if (element != null) {
                session.insert(fact.apply(element));
            }
        }
    }

    /**
     * Whether a product of the request is ready to apply for the JC-STAR ★1 label: evaluates the
     * request and derives the checklist of every product from the verdict (see
     * {@link #jcStar(AssessmentRequest, Assessment, Locale)}).
     *
     * @throws InvalidFactsException         when the request is structurally unusable
     * @throws UnsupportedOperationException when the catalog has no ★1 scheme ({@link #hasJcStar()})
     */
    public JcStarChecklist jcStar(AssessmentRequest request, Locale locale) {
        return jcStar(request, assess(request, locale), locale);
    }

    /**
     * The JC-STAR ★1 checklist of every product of a request, derived from the verdict this
     * ruleset gave it (stored or not; texts need not be rendered): each ★1 row with its readiness,
     * the results of the recommendations whose JC_STAR reference names it, and what the applicant
     * prepares for IPA. Nothing is evaluated again.
     *
     * @throws IllegalArgumentException      when another revision decided the verdict
     * @throws UnsupportedOperationException when the catalog has no ★1 scheme ({@link #hasJcStar()})
     */
    public JcStarChecklist jcStar(AssessmentRequest request, Assessment verdict, Locale locale) {
        return jcStar.checklist(request, verdict, locale);
    }

    /** Whether the catalog has the JC-STAR ★1 scheme, so that {@link #jcStar} can answer. */
    public boolean hasJcStar() {
        return jcStar.available();
    }

    /**
     * Reviews a planned share of cyberattack information and returns the decision, the TLP it
     * must carry, the redactions and, for a STIX bundle, the sanitized bundle. The review has no
     * ID yet; the victim profile is used for the check and appears nowhere in the result.
     *
     * @throws InvalidFactsException when the request or its STIX bundle is malformed, naming each problem
     */
    public SharingReview review(SharingReviewRequest request, Locale locale) {
        return reviewer.review(request, locale, clock);
    }

    /**
     * A sharing request as it may be stored: the victim profile removed, and whatever the profile
     * matches masked in the items and the bundle. Store a digest of the original next to it if
     * an auditor must later prove which input was reviewed.
     */
    public static tools.jackson.databind.JsonNode storableSharingRequest(SharingReviewRequest request) {
        return SharingReviewer.storable(request);
    }

    /** A sharing review as it may be stored: whatever the request's victim profile matches is masked. */
    public static tools.jackson.databind.JsonNode storableSharingReview(
            SharingReviewRequest request, SharingReview review) {
        return SharingReviewer.storable(request, review);
    }

    /** Rewrites the texts of a verdict this ruleset produced in another language. */
    public Assessment localize(Assessment verdict, Locale locale) {
        return assembler.localize(verdict, locale);
    }

    /** Rewrites the texts of a sharing review this ruleset produced in another language. */
    public SharingReview localize(SharingReview review, Locale locale) {
        return assembler.localize(review, locale);
    }

    /** A text of this ruleset in a language (English when it has none), thresholds filled in; null when absent. */
    public String text(Locale locale, String key) {
        return assembler.text(locale, key, null);
    }

    public String revision() {
        return content.revision();
    }

    public String version() {
        return content.version();
    }

    public String source() {
        return content.source();
    }

    /** What the ruleset says apart from its compiled rules: catalog, texts, thresholds, rule metadata. */
    public RulesetContent content() {
        return content;
    }

    public Catalog catalog() {
        return content.catalog();
    }

    public Messages messages() {
        return content.messages();
    }

    public Thresholds thresholds() {
        return content.thresholds();
    }

    public RulesetFiles files() {
        return content.files();
    }

    /** Every rule, by name. */
    public Map<String, RuleInfo> rules() {
        return content.rules();
    }

    /** The rules that implement a recommendation, in package and name order. */
    public List<RuleInfo> rulesOf(String recommendationId) {
        return content.rulesOf(recommendationId);
    }

    public Optional<RuleInfo> rule(String name) {
        return content.rule(name);
    }

    KieBase kieBase() {
        return kieBase;
    }

    /** A session for one evaluation, from this ruleset's pool; {@code dispose()} returns it. */
    KieSession newSession() {
        return sessions.newKieSession();
    }
}
