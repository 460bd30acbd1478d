package io.kakunin.kb.input;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;

/**
 * Strings as requests may carry them: any text, but no control characters other than tab, line
 * feed and carriage return. A NUL or an escape sequence in a name is an attack on whatever
 * displays or stores it later, never a fact.
 */
public final class PlainTextDeserializer extends StringDeserializer {

    /** Each string on its own: one that cannot be read is named and the next element of its list read. */
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
        return ReadFaults.orStepOver(p, ctxt, () -> read(p, ctxt));
    }

    private String read(JsonParser p, DeserializationContext ctxt) {
        String text = super.deserialize(p, ctxt);
        if (text != null && p.hasToken(JsonToken.VALUE_STRING)) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                    throw new RejectedInputException(
                            p,
                            InputFault.Kind.CONTROL_CHARACTER,
                            String.class,
                            "codePoint",
                            String.format(java.util.Locale.ROOT, "U+%04X", (int) c),
                            "position",
                            text.codePointCount(0, i) + 1);
                }
                if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new RejectedInputException(
                            p,
                            InputFault.Kind.LONE_SURROGATE,
                            String.class,
                            "codePoint",
                            String.format(java.util.Locale.ROOT, "U+%04X", (int) c),
                            "position",
                            text.codePointCount(0, i) + 1);
                }
            }
        }
        return text;
    }
}
