package io.kakunin.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording says dominates: the share of CPU samples under each stage of the
 * request (the first stage found walking a sample's stack from its top), and the methods with
 * the most samples of their own. {@code java -cp … io.kakunin.bench.JfrSummary rec.jfr}.
 */
public final class JfrSummary {

    /** Stages, most specific first: a sample is charged to the first one its stack contains. */
    static final Map<String, String> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("io.kakunin.kb.VerdictAssembler.", "engine: verdict assembly and texts");
        STAGES.put("io.kakunin.kb.input.PointerIndex.", "engine: JSON Pointer index of the facts");
        STAGES.put("io.kakunin.kb.input.Facts.", "engine: fact validation");
        STAGES.put(
                "org.drools.kiesession.session.StatefulKnowledgeSessionImpl.fireAllRules",
                "engine: rule evaluation (fire)");
        STAGES.put(
                "org.drools.kiesession.session.StatefulKnowledgeSessionImpl.insert",
                "engine: rule evaluation (insert)");
        STAGES.put("org.drools.kiesession.entrypoints.NamedEntryPoint.insert", "engine: rule evaluation (insert)");
        STAGES.put(
                "org.drools.kiesession.session.StatefulKnowledgeSessionImpl.dispose", "engine: session create/dispose");
        STAGES.put(
                "org.drools.kiesession.session.StatefulKnowledgeSessionImpl.<init>", "engine: session create/dispose");
        STAGES.put(
                "org.drools.kiesession.rulebase.SessionsAwareKnowledgeBase.newKieSession",
                "engine: session create/dispose");
        STAGES.put("org.drools.", "engine: rules engine, other");
        STAGES.put("io.kakunin.kb.sharing.", "engine: sharing review (STIX)");
        STAGES.put("io.kakunin.kb.SharingReviewer.", "engine: sharing review");
        STAGES.put("io.kakunin.kb.Ruleset.", "engine: other");
        STAGES.put("org.h2.", "database: H2");
        STAGES.put("org.postgresql.", "database: PostgreSQL driver");
        STAGES.put("com.zaxxer.hikari.", "database: connection pool");
        STAGES.put("org.springframework.jdbc.", "database: Spring JDBC");
        STAGES.put("org.springframework.data.", "database: Spring Data");
        STAGES.put("org.springframework.transaction.", "database: transactions");
        STAGES.put("tools.jackson.", "JSON (Jackson)");
        STAGES.put("io.kakunin.kb.", "JSON and checks of the engine's readers");
        STAGES.put("org.hibernate.validator.", "bean validation");
        STAGES.put("io.micrometer.", "metrics and observations");
        STAGES.put("org.springframework.web.servlet.", "Spring MVC");
        STAGES.put("io.kakunin.service.", "service code");
        STAGES.put("org.springframework.security.", "security filters");
        STAGES.put("org.springframework.", "Spring, other");
        STAGES.put("org.apache.", "HTTP (Tomcat)");
        STAGES.put("java.net.http.", "load generator (JDK HTTP client)");
    }

    private JfrSummary() {}

    public static void main(String[] args) throws IOException {
        print(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 15);
    }

    public static void print(Path recording, int top) throws IOException {
        Map<String, Integer> stages = new LinkedHashMap<>();
        Map<String, Integer> self = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            total++;
            List<RecordedFrame> frames = stack.getFrames();
            RecordedFrame first = frames.get(0);
            self.merge(
                    first.getMethod().getType().getName() + "."
                            + first.getMethod().getName(),
                    1,
                    Integer::sum);
            String stage = "other (JDK, GC, idle threads)";
            outer:
            for (Map.Entry<String, String> s : STAGES.entrySet()) {
                for (RecordedFrame f : frames) {
                    String name = f.getMethod().getType().getName() + "."
                            + f.getMethod().getName();
                    if (name.startsWith(s.getKey())) {
                        stage = s.getValue();
                        break outer;
                    }
                }
            }
            stages.merge(stage, 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "%d CPU samples%n", total);
        List<Map.Entry<String, Integer>> byStage = new ArrayList<>(stages.entrySet());
        byStage.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> e : byStage) {
            System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey());
        }
        System.out.println("methods with the most samples of their own:");
        List<Map.Entry<String, Integer>> bySelf = new ArrayList<>(self.entrySet());
        bySelf.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> e : bySelf.subList(0, Math.min(top, bySelf.size()))) {
            System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey());
        }
    }
}
