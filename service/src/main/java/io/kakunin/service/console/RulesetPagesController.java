package io.kakunin.service.console;

import com.github.difflib.text.DiffRow;
import com.github.difflib.text.DiffRowGenerator;
import io.kakunin.api.model.Ruleset;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.rulesets.RulesetHistory;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

/**
 * The rulesets as officers and auditors follow them: the active revision and the history of
 * activations and refusals (with their diagnostics), two revisions side by side, and the files of
 * one revision. Everything is read through {@link RulesetHistory}, the service
 * {@code GET /v1/rulesets/active} and {@code GET /v1/rulesets} answer from, so a page shows what
 * the API answers the same caller (server paths to rule administrators only).
 */
@Controller
class RulesetPagesController {

    /** Events on one page of the history. */
    private static final int PAGE_SIZE = 25;

    /** Unchanged lines shown around a change; longer unchanged runs are collapsed to a count. */
    private static final int CONTEXT = 3;

    private final RulesetHistory history;

    RulesetPagesController(RulesetHistory history) {
        this.history = history;
    }

    /** One line of a side-by-side diff, or a run of unchanged lines left out ({@code kind} "skip"). */
    public record Row(String kind, Integer oldNumber, String oldHtml, Integer newNumber, String newHtml, int skipped) {

        /** The mark of the earlier side: "removed", "changed" or null. */
        public String oldMark() {
            return switch (kind) {
                case "delete" -> "removed";
                case "change" -> "changed";
                default -> null;
            };
        }

        /** The mark of the later side: "added", "changed" or null. */
        public String newMark() {
            return switch (kind) {
                case "insert" -> "added";
                case "change" -> "changed";
                default -> null;
            };
        }

        /** The class of the earlier side's text: the stylesheet's {@code del} or {@code chg}, or none. */
        public String oldClass() {
            return switch (kind) {
                case "delete" -> "del";
                case "change" -> "chg";
                default -> null;
            };
        }

        /** The class of the later side's text: the stylesheet's {@code ins} or {@code chg}, or none. */
        public String newClass() {
            return switch (kind) {
                case "insert" -> "ins";
                case "change" -> "chg";
                default -> null;
            };
        }
    }

    /** A file that differs between the two revisions: "added", "removed" or "changed". */
    public record FileDiff(String path, String change, boolean text, List<Row> rows) {}

    /** A file of a revision, with the address of its text. */
    public record FileEntry(String path, int bytes, boolean text, String href) {}

    @GetMapping("/console/rulesets")
    String history(@RequestParam(required = false) String cursor, Model model) {
        Caller caller = Caller.current();
        Ruleset active = history.active(caller);
        List<RulesetHistory.Activated> revisions = history.activated();
        String previous = revisions.stream()
                .map(RulesetHistory.Activated::revision)
                .filter(r -> !r.equals(active.getRevision()))
                .findFirst()
                .orElse(active.getRevision());
        model.addAttribute("active", active);
        model.addAttribute("page", history.events(PAGE_SIZE, blankToNull(cursor), caller));
        model.addAttribute("revisions", revisions);
        model.addAttribute("from", previous);
        model.addAttribute("to", active.getRevision());
        return "console/rulesets";
    }

    @GetMapping("/console/rulesets/diff")
    String diff(@RequestParam(required = false) String from, @RequestParam(required = false) String to, Model model) {
        if (blankToNull(from) == null || blankToNull(to) == null) {
            // Two revisions are picked on the history page.
            return "redirect:/console/rulesets";
        }
        String older = from.strip();
        String newer = to.strip();
        RulesetFiles a = files(older);
        RulesetFiles b = files(newer);
        model.addAttribute("from", older);
        model.addAttribute("to", newer);
        model.addAttribute("identical", older.equals(newer));
        List<FileDiff> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        if (!older.equals(newer)) {
            TreeSet<String> paths = new TreeSet<>(a.files().keySet());
            paths.addAll(b.files().keySet());
            for (String path : paths) {
                byte[] before = a.files().get(path);
                byte[] after = b.files().get(path);
                if (before != null && after != null && Arrays.equals(before, after)) {
                    unchanged.add(path);
                } else {
                    String change = before == null ? "added" : after == null ? "removed" : "changed";
                    boolean text = RulesetFiles.isText(path);
                    changed.add(new FileDiff(
                            path, change, text, text ? rows(lines(path, before), lines(path, after)) : List.of()));
                }
            }
        }
        model.addAttribute("files", changed);
        model.addAttribute("unchanged", unchanged);
        return "console/ruleset-diff";
    }

    @GetMapping("/console/rulesets/revisions/{revision}")
    String revision(@PathVariable String revision, Model model) {
        RulesetFiles files = files(revision);
        String active = history.active(Caller.current()).getRevision();
        model.addAttribute("revision", revision);
        model.addAttribute("active", active.equals(revision));
        model.addAttribute("activeRevision", active);
        model.addAttribute(
                "files",
                files.files().entrySet().stream()
                        .map(e -> new FileEntry(
                                e.getKey(),
                                e.getValue().length,
                                RulesetFiles.isText(e.getKey()),
                                fileHref(revision, e.getKey())))
                        .toList());
        return "console/ruleset-revision";
    }

    @GetMapping("/console/rulesets/revisions/{revision}/files/{*path}")
    String file(@PathVariable String revision, @PathVariable String path, Model model) {
        String name = path.startsWith("/") ? path.substring(1) : path;
        RulesetFiles files = files(revision);
        byte[] bytes = files.file(name).orElseThrow(() -> new NotFoundException("ruleset file", name));
        model.addAttribute("revision", revision);
        model.addAttribute(
                "active", history.active(Caller.current()).getRevision().equals(revision));
        model.addAttribute("path", name);
        model.addAttribute("text", RulesetFiles.isText(name) ? decode(name, bytes) : null);
        return "console/ruleset-revision";
    }

    private RulesetFiles files(String revision) {
        return history.files(revision).orElseThrow(() -> new NotFoundException("ruleset revision", revision));
    }

    /** The rows of a side-by-side diff, with inline changes marked by {@code <del>} and {@code <ins>}. */
    static List<Row> rows(List<String> before, List<String> after) {
        DiffRowGenerator generator = DiffRowGenerator.create()
                .showInlineDiffs(true)
                .inlineDiffByWord(true)
                .oldTag(start -> start ? "<del>" : "</del>")
                .newTag(start -> start ? "<ins>" : "</ins>")
                .build();
        List<DiffRow> diff = generator.generateDiffRows(before, after);
        List<Row> all = new ArrayList<>();
        int oldNumber = 0;
        int newNumber = 0;
        for (DiffRow r : diff) {
            switch (r.getTag()) {
                case EQUAL -> all.add(new Row("equal", ++oldNumber, r.getOldLine(), ++newNumber, r.getNewLine(), 0));
                case CHANGE -> all.add(new Row("change", ++oldNumber, r.getOldLine(), ++newNumber, r.getNewLine(), 0));
                case DELETE -> all.add(new Row("delete", ++oldNumber, r.getOldLine(), null, "", 0));
                case INSERT -> all.add(new Row("insert", null, "", ++newNumber, r.getNewLine(), 0));
            }
        }
        // Unchanged lines further than CONTEXT from any change are left out, counted.
        boolean[] shown = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).kind().equals("equal")) {
                for (int j = Math.max(0, i - CONTEXT); j <= Math.min(all.size() - 1, i + CONTEXT); j++) {
                    shown[j] = true;
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < all.size(); i++) {
            if (shown[i]) {
                if (skipped > 0) {
                    rows.add(new Row("skip", null, "", null, "", skipped));
                    skipped = 0;
                }
                rows.add(all.get(i));
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            rows.add(new Row("skip", null, "", null, "", skipped));
        }
        return rows;
    }

    private static List<String> lines(String path, byte[] bytes) {
        return bytes == null ? List.of() : decode(path, bytes).lines().toList();
    }

    /** A stored file's text; one that is not UTF-8 (it passed the gate, so it should be) is shown as read. */
    private static String decode(String path, byte[] bytes) {
        try {
            return RulesetFiles.decode(path, bytes);
        } catch (RuntimeException notUtf8) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The address of a file's text: each segment of its path encoded, its slashes kept. */
    static String fileHref(String revision, String path) {
        return "/console/rulesets/revisions/" + UriUtils.encodePathSegment(revision, StandardCharsets.UTF_8)
                + "/files/"
                + Arrays.stream(path.split("/"))
                        .map(s -> UriUtils.encodePathSegment(s, StandardCharsets.UTF_8))
                        .collect(Collectors.joining("/"));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
