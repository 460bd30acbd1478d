package io.kakunin.service.web;

import java.util.List;
import java.util.Map;

/**
 * Limits on free-form content (a STIX bundle), whose arrays the contract cannot bound: each
 * array may hold at most so many elements. Nesting depth and string length are bounded while
 * the body is read, for all content.
 */
public final class FreeFormLimits {

    private FreeFormLimits() {}

    /** Refuses, naming the array by JSON Pointer, content with an array longer than allowed. */
    public static void check(Object content, String pointer, int maxArrayItems) {
        if (content instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                check(
                        e.getValue(),
                        pointer + "/"
                                + String.valueOf(e.getKey()).replace("~", "~0").replace("/", "~1"),
                        maxArrayItems);
            }
        } else if (content instanceof List<?> list) {
            if (list.size() > maxArrayItems) {
                throw ApiProblem.invalid(
                        pointer, "has " + list.size() + " elements; at most " + maxArrayItems + " are accepted");
            }
            for (int i = 0; i < list.size(); i++) {
                check(list.get(i), pointer + "/" + i, maxArrayItems);
            }
        }
    }
}
