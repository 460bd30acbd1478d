package io.kakunin.kb.ruleset;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Which names a misspelt name was probably meant to be: the few that are a few letters away. */
public final class NearestNames {

    private NearestNames() {}

    /**
     * The names among the candidates that are at most a few edits from the given one (two, or a
     * third of its length for longer names), ignoring case; nearest first, then alphabetically.
     */
    public static List<String> of(String name, Collection<String> candidates, int limit) {
        int most = Math.max(2, name.length() / 3);
        String lower = name.toLowerCase(Locale.ROOT);
        record Candidate(String name, int distance) {}
        return candidates.stream()
                .filter(c -> !c.equals(name))
                .map(c -> new Candidate(c, distance(lower, c.toLowerCase(Locale.ROOT))))
                .filter(c -> c.distance() <= most)
                .sorted(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name))
                .limit(limit)
                .map(Candidate::name)
                .toList();
    }

    /** Edits from one text to another: insertions, deletions, replacements, and swaps of two neighbours. */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
