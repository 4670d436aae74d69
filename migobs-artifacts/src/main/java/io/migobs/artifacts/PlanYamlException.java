package io.migobs.artifacts;

/**
 * A YAML plan is invalid: bad syntax, an unknown key, a wrong type, an unknown signal name, or a rule of the
 * builders broken. The message starts with the source, line and column and the path of the offending key
 * ({@code plan.yml, line 12, column 5, at gates[0].redAbove: ...}); for a builder rule the builder's own exception is
 * the cause and its message follows.
 *
 * <p>Extends {@link IllegalArgumentException}, like the builders' validation errors.
 */
public final class PlanYamlException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String path;

    /**
     * Creates the exception.
     *
     * @param source the file name or description of the YAML source
     * @param line the 1-based line, or 0 when unknown
     * @param column the 1-based column, or 0 when unknown
     * @param path the path of the offending key ({@code phases[1].untilFraction}), or empty for the document
     * @param problem what is wrong
     * @param cause the builder's exception or the parser's, or null
     */
    public PlanYamlException(String source, int line, int column, String path, String problem, Throwable cause) {
        super(source + (line > 0 ? ", line " + line + ", column " + column : "") + (path.isEmpty() ? "" : ", at "
                + path) + ": " + problem, cause);
        this.source = source;
        this.line = line;
        this.column = column;
        this.path = path;
    }

    /** @return the file name or description of the YAML source */
    public String source() {
        return source;
    }

    /** @return the 1-based line of the offending node, or 0 when unknown */
    public int line() {
        return line;
    }

    /** @return the 1-based column of the offending node, or 0 when unknown */
    public int column() {
        return column;
    }

    /** @return the path of the offending key, such as {@code gates[0].redAbove}; empty for the whole document */
    public String path() {
        return path;
    }
}
