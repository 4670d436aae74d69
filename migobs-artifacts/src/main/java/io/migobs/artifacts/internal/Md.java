package io.migobs.artifacts.internal;

import java.util.List;

/** A small Markdown writer: headings, paragraphs, bullets, check boxes, tables, code blocks. Not API. */
public final class Md {
    private final StringBuilder out = new StringBuilder();

    public Md h1(String text) {
        return heading(1, text);
    }

    public Md h2(String text) {
        return heading(2, text);
    }

    public Md h3(String text) {
        return heading(3, text);
    }

    private Md heading(int level, String text) {
        blankLine();
        out.append("#".repeat(level)).append(' ').append(oneLine(text)).append("\n\n");
        return this;
    }

    public Md para(String text) {
        blankLine();
        out.append(text.strip()).append("\n\n");
        return this;
    }

    public Md quote(String text) {
        blankLine();
        for (String line : text.strip().split("\n", -1)) {
            out.append("> ").append(line).append('\n');
        }
        out.append('\n');
        return this;
    }

    public Md bullet(String text) {
        out.append("- ").append(indentContinuation(text, "  ")).append('\n');
        return this;
    }

    public Md subBullet(String text) {
        out.append("  - ").append(indentContinuation(text, "    ")).append('\n');
        return this;
    }

    public Md check(String text) {
        out.append("- [ ] ").append(indentContinuation(text, "      ")).append('\n');
        return this;
    }

    public Md numbered(int n, String text) {
        out.append(n).append(". ").append(indentContinuation(text, "   ")).append('\n');
        return this;
    }

    public Md endList() {
        out.append('\n');
        return this;
    }

    public Md table(List<String> header, List<List<String>> rows) {
        blankLine();
        row(header);
        StringBuilder sep = new StringBuilder("|");
        for (int i = 0; i < header.size(); i++) {
            sep.append(" --- |");
        }
        out.append(sep).append('\n');
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("table row has " + r.size() + " cells, header has " + header.size());
            }
            row(r);
        }
        out.append('\n');
        return this;
    }

    private void row(List<String> cells) {
        out.append('|');
        for (String c : cells) {
            out.append(' ').append(cell(c)).append(" |");
        }
        out.append('\n');
    }

    public Md code(String language, String text) {
        blankLine();
        out.append("```").append(language).append('\n').append(text.stripTrailing()).append("\n```\n\n");
        return this;
    }

    /** Inline code. */
    public static String c(String text) {
        String t = text.replace("`", "'");
        return "`" + t + "`";
    }

    /** Bold. */
    public static String b(String text) {
        return "**" + text + "**";
    }

    private static String cell(String text) {
        if (text == null || text.isEmpty()) {
            return "—";
        }
        return oneLine(text).replace("|", "\\|");
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\n\\s*", " ");
    }

    private static String indentContinuation(String text, String indent) {
        return text.strip().replace("\n", "\n" + indent);
    }

    private void blankLine() {
        int n = out.length();
        if (n == 0) {
            return;
        }
        if (out.charAt(n - 1) != '\n') {
            out.append("\n\n");
        } else if (n < 2 || out.charAt(n - 2) != '\n') {
            out.append('\n');
        }
    }

    @Override
    public String toString() {
        String s = out.toString().stripTrailing();
        return s.replaceAll("\n{3,}", "\n\n") + "\n";
    }
}
