package io.kakunin.kb;

import io.kakunin.api.model.Waiver;
import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.input.ReadFaults;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A waivers file: a YAML list of waivers in the contract's {@code Waiver} schema, as an officer
 * keeps them beside a request ({@code kakunin evaluate --waivers waivers.yaml}) or beside a
 * fixture ({@code waivers.yaml}). One reader for both, so that a file the command line accepts is
 * a file the fixtures accept. A waiver names its approver ({@code approvedBy}); one that does not
 * is a request, in force nowhere.
 *
 * <pre>
 * - id: 01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69
 *   organizationId: acme-iot
 *   recommendationId: PS-4.2
 *   justification: Legacy hardware, replaced in the March 2027 refresh.
 *   evidence: https://risk.example.jp/RA-2026-114
 *   startsAt: 2026-01-01T00:00:00Z
 *   expiresOn: 2027-03-31
 *   timeZone: Asia/Tokyo
 *   requestedBy: m.sato
 *   approvedBy: k.tanaka
 * </pre>
 *
 * Read as strictly as a request ({@link Json#mapper()}: an unknown or misspelt field is an error,
 * not a waiver that silently covers nothing), then checked by {@link Waivers#check(Waiver)}.
 */
public final class WaiverFiles {

    /** Repeated keys are refused rather than one of them picked, as in a request. */
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private WaiverFiles() {}

    /**
     * One problem of a waivers file.
     *
     * @param index   the waiver's position in the list, from 0; -1 for the file as a whole
     * @param pointer the field, as a JSON Pointer into that waiver ({@code /expiresOn}); empty for the whole
     * @param problem what is wrong, in English
     */
    public record Problem(int index, String pointer, String problem) {
        @Override
        public String toString() {
            return (index < 0 ? "" : "waiver " + index + (pointer.isEmpty() ? "" : " " + pointer) + ": ") + problem;
        }
    }

    /** The waivers of a file, each checked; when any problem is found, none of them should be applied. */
    public record Read(List<Waiver> waivers, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Reads and checks a waivers file; every problem is reported, each at its waiver and field. */
    public static Read read(byte[] yaml) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JacksonException e) {
            return new Read(List.of(), List.of(new Problem(-1, "", "not valid YAML: " + e.getOriginalMessage())));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return new Read(List.of(), List.of()); // an empty file waives nothing
        }
        if (!tree.isArray()) {
            return new Read(
                    List.of(),
                    List.of(new Problem(-1, "", "must be a YAML list of waivers (each item starting '- ')")));
        }
        List<Waiver> waivers = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < tree.size(); i++) {
            Waiver w;
            try {
                w = Json.mapper().treeToValue(tree.get(i), Waiver.class);
            } catch (ReadFaults.ReadFaultsException e) {
                for (InputFault fault : e.faults()) {
                    problems.add(new Problem(i, fault.pointer(), fault.english()));
                }
                continue;
            } catch (JacksonException e) {
                InputFault fault = ReadFaults.describe(e);
                problems.add(new Problem(i, fault.pointer(), fault.english()));
                continue;
            }
            if (w == null) {
                problems.add(new Problem(i, "", "is empty"));
                continue;
            }
            List<Waivers.Problem> faults = Waivers.check(w);
            for (Waivers.Problem p : faults) {
                problems.add(new Problem(i, p.pointer(), p.fault().english()));
            }
            if (faults.isEmpty()) {
                waivers.add(w);
            }
        }
        return new Read(List.copyOf(waivers), List.copyOf(problems));
    }
}
