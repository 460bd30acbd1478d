package io.kakunin.cli;

import io.kakunin.kb.Ruleset;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.kb.fixtures.PublicationGate;
import io.kakunin.kb.ruleset.Diagnostic;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * JUnit XML in the Ant/Surefire schema that CI systems read (Jenkins, GitLab, GitHub
 * reporters): one test case per problem that stopped the run (a compile error, a fixture
 * folder without its expectation), one per fixture, and one for rule coverage.
 */
final class JunitXml {

    /** Rule coverage as the report shows it, with the minimum the gate applied. */
    record Coverage(FixtureSuite.Report report, double minimum) {
        boolean met() {
            return report.coveragePercent() + 1e-9 >= minimum;
        }
    }

    /**
     * When the run started and how long each fixture took: CI systems show slow cases and the
     * time of a run from these.
     */
    static final class Clock {
        private final Instant started;
        private final long startNanos;

        private Clock(Instant started, long startNanos) {
            this.started = started;
            this.startNanos = startNanos;
        }

        static Clock start() {
            return new Clock(Instant.now(), System.nanoTime());
        }

        String total() {
            return seconds(System.nanoTime() - startNanos);
        }

        /** ISO 8601 local date and time without zone, as the JUnit schema has it (in UTC). */
        String timestamp() {
            return LocalDateTime.ofInstant(started.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC)
                    .toString();
        }

        static String seconds(long nanos) {
            return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
        }
    }

    private JunitXml() {}

    /**
     * @param ruleset  the ruleset tested, or null when it did not compile
     * @param problems errors that are not fixtures: compile errors, broken fixture folders
     * @param cases    the fixtures run
     * @param coverage rule coverage, or null when no fixture ran
     * @param clock    when the run started, and each fixture's time
     */
    static String write(
            Ruleset ruleset,
            List<Diagnostic> problems,
            List<FixtureSuite.CaseResult> cases,
            Coverage coverage,
            Clock clock) {
        Document doc;
        try {
            doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        Element suite = doc.createElement("testsuite");
        doc.appendChild(suite);
        suite.setAttribute("name", "kakunin");
        suite.setAttribute("timestamp", clock.timestamp());
        Element properties = child(suite, "properties");
        if (ruleset != null) {
            property(properties, "revision", ruleset.revision());
            property(properties, "version", ruleset.version());
        }
        int tests = 0;
        int failures = 0;
        for (Diagnostic d : problems) {
            if (!d.isError()) {
                continue;
            }
            tests++;
            failures++;
            boolean fixture = d.file().startsWith("fixtures/");
            Element testcase = testcase(
                    suite,
                    fixture ? "kakunin.fixtures" : "kakunin.check",
                    d.file() + ":" + d.line() + ":" + d.column(),
                    "0.000");
            failure(testcase, d.message(), fixture ? "BrokenFixture" : "CompileError", d.toString());
        }
        for (FixtureSuite.CaseResult c : cases) {
            tests++;
            String name = c.fixture().name();
            String scenario = name.contains("/") ? name.substring(name.indexOf('/') + 1) : name;
            Element testcase =
                    testcase(suite, "kakunin.fixtures." + c.fixture().topic(), scenario, Clock.seconds(c.nanos()));
            if (!c.passed()) {
                failures++;
                List<Diagnostic> differences = PublicationGate.diagnostics(c);
                failure(
                        testcase,
                        differences.get(0).message(),
                        "VerdictMismatch",
                        String.join(
                                "\n",
                                differences.stream().map(Diagnostic::toString).toList()));
            }
        }
        if (coverage != null) {
            tests++;
            FixtureSuite.Report report = coverage.report();
            String summary = String.format(
                    Locale.ROOT,
                    "%.1f%% of %d rules have their decision asserted by a fixture",
                    report.coveragePercent(),
                    report.rules().size());
            Element testcase = testcase(suite, "kakunin.coverage", "rule coverage", "0.000");
            if (!coverage.met()) {
                failures++;
                failure(
                        testcase,
                        String.format(Locale.ROOT, "%s, under the minimum of %.1f%%", summary, coverage.minimum()),
                        "CoverageBelowMinimum",
                        null);
            }
            child(testcase, "system-out")
                    .setTextContent(summary
                            + (report.unassertedRules().isEmpty()
                                    ? ""
                                    : "\nnot asserted:\n" + String.join("\n", report.unassertedRules())));
        }
        suite.setAttribute("tests", Integer.toString(tests));
        suite.setAttribute("failures", Integer.toString(failures));
        suite.setAttribute("errors", "0");
        suite.setAttribute("skipped", "0");
        suite.setAttribute("time", clock.total());
        return serialize(doc);
    }

    private static Element testcase(Element suite, String classname, String name, String seconds) {
        Element testcase = child(suite, "testcase");
        testcase.setAttribute("classname", classname);
        testcase.setAttribute("name", clean(name));
        testcase.setAttribute("time", seconds);
        return testcase;
    }

    private static void failure(Element testcase, String message, String type, String detail) {
        Element failure = child(testcase, "failure");
        failure.setAttribute("message", clean(message));
        failure.setAttribute("type", type);
        if (detail != null) {
            failure.setTextContent(clean(detail));
        }
    }

    private static void property(Element properties, String name, String value) {
        Element property = child(properties, "property");
        property.setAttribute("name", name);
        property.setAttribute("value", clean(value));
    }

    private static Element child(Element parent, String name) {
        Element child = parent.getOwnerDocument().createElement(name);
        parent.appendChild(child);
        return child;
    }

    /** XML 1.0 cannot carry most control characters, even escaped; a rule name or message might. */
    private static String clean(String text) {
        return text.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]", "?");
    }

    private static String serialize(Document doc) {
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write the JUnit report", e);
        }
    }
}
