package io.kakunin.service.console;

import io.kakunin.kb.Ruleset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.context.MessageSource;

/** The questionnaire in the reader's language, with the answers given so far and the faults found in them. */
final class QuestionnaireView {

    record Option(String value, String label, boolean chosen) {}

    record Question(
            String field,
            String id,
            String kind,
            String label,
            String hint,
            List<Option> options,
            String value,
            String error,
            boolean missing,
            List<String> items) {}

    record Item(
            String id,
            String title,
            String requirement,
            String level,
            List<Question> questions,
            List<String> askedBefore) {}

    record Measure(String id, String title, List<Item> items, long answered, long total) {}

    private QuestionnaireView() {}

    static List<Measure> of(
            Questionnaire questionnaire,
            Ruleset ruleset,
            MessageSource messages,
            Locale locale,
            Map<String, List<String>> answers,
            Map<String, String> errors,
            List<String> missing) {
        Set<String> missingFields = missingFields(questionnaire, missing);
        List<Measure> measures = new ArrayList<>();
        for (Questionnaire.Measure m : questionnaire.measures()) {
            List<Item> items = new ArrayList<>();
            long answered = 0;
            long total = 0;
            for (Questionnaire.Item item : m.items()) {
                List<Question> questions = new ArrayList<>();
                for (Questionnaire.Question q : item.questions()) {
                    questions.add(question(q, messages, locale, answers, errors, missingFields));
                    total++;
                    if (answers.containsKey(q.field())) {
                        answered++;
                    }
                }
                List<String> before = item.askedBefore().stream()
                        .map(f -> label(messages, locale, f.substring(f.indexOf(':') + 1)))
                        .toList();
                items.add(new Item(
                        item.id(),
                        ruleset.text(locale, item.id() + ".title"),
                        ruleset.text(locale, item.id() + ".requirement"),
                        item.level(),
                        questions,
                        before));
            }
            measures.add(new Measure(m.id(), ruleset.text(locale, m.id() + ".title"), items, answered, total));
        }
        return measures;
    }

    /** The questions of the facts a verdict asked for, to answer first. */
    static List<Question> missing(
            Questionnaire questionnaire,
            Ruleset ruleset,
            MessageSource messages,
            Locale locale,
            Map<String, List<String>> answers,
            Map<String, String> errors,
            List<String> missing) {
        Set<String> fields = missingFields(questionnaire, missing);
        List<Question> questions = new ArrayList<>();
        for (Questionnaire.Question q : questionnaire.questions()) {
            if (fields.contains(q.field())) {
                questions.add(question(q, messages, locale, answers, errors, fields));
            }
        }
        return questions;
    }

    /** A follow-up question of a verdict: the fact at its pointer in the request that verdict decided. */
    static Question followUp(Questionnaire.Question q, String pointer, MessageSource messages, Locale locale) {
        Question plain = question(q, messages, locale, Map.of(), Map.of(), Set.of());
        return new Question(
                Answers.AT + pointer,
                "f" + pointer.replaceAll("[^A-Za-z0-9]", "-"),
                plain.kind(),
                plain.label(),
                plain.hint(),
                plain.options(),
                "",
                null,
                true,
                plain.items());
    }

    private static Set<String> missingFields(Questionnaire questionnaire, List<String> missing) {
        Set<String> fields = new LinkedHashSet<>();
        for (String pointer : missing) {
            questionnaire.questionAt(pointer).ifPresent(q -> fields.add(q.field()));
        }
        return fields;
    }

    private static Question question(
            Questionnaire.Question q,
            MessageSource messages,
            Locale locale,
            Map<String, List<String>> answers,
            Map<String, String> errors,
            Set<String> missing) {
        List<String> given = answers.getOrDefault(q.field(), List.of());
        List<Option> options = new ArrayList<>();
        for (String value : q.options()) {
            options.add(new Option(
                    value,
                    messages.getMessage("enum." + q.pointer() + "." + value, null, humanized(value), locale),
                    given.contains(value)));
        }
        String hint = messages.getMessage("hint." + q.pointer(), null, null, locale);
        return new Question(
                q.field(),
                q.id(),
                q.kind().name(),
                label(messages, locale, q.pointer()),
                hint,
                options,
                given.isEmpty() ? "" : given.get(0),
                errors.get(q.field()),
                missing.contains(q.field()),
                q.items());
    }

    private static String label(MessageSource messages, Locale locale, String pointer) {
        return messages.getMessage("fact." + pointer, null, pointer, locale);
    }

    /** A value of the contract as words where no label is written: {@code UNIQUE_PER_DEVICE} → "unique per device". */
    private static String humanized(String value) {
        return value.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
