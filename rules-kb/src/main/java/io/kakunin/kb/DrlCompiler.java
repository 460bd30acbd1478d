package io.kakunin.kb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;

/**
 * Compiles rule files at run time with Drools' classic DRL compiler, which reports better
 * positions than the executable-model compiler, and turns its messages into diagnostics
 * located in the officer's files.
 */
final class DrlCompiler {

    private static final AtomicLong BUILDS = new AtomicLong();

    /** The knowledge base when the rules compiled (null otherwise), and every diagnostic. */
    record Result(KieBase kieBase, List<Diagnostic> diagnostics) {
    }

    private DrlCompiler() {
    }

    static Result compile(RulesetFiles files) {
        KieServices ks = KieServices.get();
        // A release ID of its own per build: concurrent builds (a reload and a validation)
        // must not replace each other's module in the JVM-wide repository.
        ReleaseId releaseId = ks.newReleaseId("io.kakunin.rulesets", "ruleset-" + BUILDS.incrementAndGet(), "1.0.0");
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        kfs.writeKModuleXML("<kmodule xmlns=\"http://www.drools.org/xsd/kmodule\">"
                + "<kbase name=\"" + Ruleset.KBASE + "\" default=\"true\"/></kmodule>");
        Map<String, String> toRulesetPath = new LinkedHashMap<>();
        files.files().forEach((path, bytes) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (RulesetFiles.isRuleFile(name)) {
                // Under the built-in root, so that folder = package holds for copied rules.
                String resource = RulesetFiles.BUILT_IN_ROOT + path;
                kfs.write("src/main/resources/" + resource, bytes);
                toRulesetPath.put(resource, path);
            }
        });
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Message message : builder.getResults().getMessages()) {
            Diagnostic d = DrlDiagnostics.toDiagnostic(message, toRulesetPath);
            if (d != null) {
                diagnostics.add(d);
            }
        }
        KieBase kieBase = null;
        try {
            if (diagnostics.stream().noneMatch(Diagnostic::isError)) {
                kieBase = ks.newKieContainer(releaseId).getKieBase(Ruleset.KBASE);
            }
        } finally {
            ks.getRepository().removeKieModule(releaseId);
        }
        return new Result(kieBase, List.copyOf(diagnostics));
    }
}
