package io.migobs.artifacts.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.migobs.artifacts.PlanYamlException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read with Jackson's streaming parser into nodes that remember their line, column and path, so a
 * validation error can point at the key that caused it. Duplicate keys are rejected. Not API.
 */
public final class YamlTree {
    private YamlTree() {
    }

    /** A node with its position. */
    public abstract static class Node {
        final String source;
        final int line;
        final int column;
        final String path;

        Node(String source, JsonLocation loc, String path) {
            this.source = source;
            this.line = loc == null ? 0 : loc.getLineNr();
            this.column = loc == null ? 0 : loc.getColumnNr();
            this.path = path;
        }

        public int line() {
            return line;
        }

        public String path() {
            return path;
        }

        /** An error located at this node. */
        public PlanYamlException error(String problem, Throwable cause) {
            return new PlanYamlException(source, line, column, path, problem, cause);
        }

        public PlanYamlException error(String problem) {
            return error(problem, null);
        }

        abstract String kind();
    }

    /** A mapping; keys in document order, each with the position of the key. */
    public static final class MapNode extends Node {
        final Map<String, Node> entries = new LinkedHashMap<>();

        MapNode(String source, JsonLocation loc, String path) {
            super(source, loc, path);
        }

        public Map<String, Node> entries() {
            return entries;
        }

        @Override
        String kind() {
            return "a mapping";
        }
    }

    /** A sequence. */
    public static final class ListNode extends Node {
        final List<Node> items = new ArrayList<>();

        ListNode(String source, JsonLocation loc, String path) {
            super(source, loc, path);
        }

        public List<Node> items() {
            return items;
        }

        @Override
        String kind() {
            return "a list";
        }
    }

    /** A scalar: a string, a number, a boolean or null. */
    public static final class Scalar extends Node {
        final JsonToken token;
        final String text;
        final Number number;

        Scalar(String source, JsonLocation loc, String path, JsonToken token, String text, Number number) {
            super(source, loc, path);
            this.token = token;
            this.text = text;
            this.number = number;
        }

        public boolean isNumber() {
            return number != null;
        }

        public boolean isString() {
            return token == JsonToken.VALUE_STRING;
        }

        public boolean isBoolean() {
            return token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE;
        }

        public boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        public String text() {
            return text;
        }

        public Number number() {
            return number;
        }

        @Override
        String kind() {
            if (isNumber()) {
                return "the number " + text;
            }
            if (isBoolean()) {
                return "the boolean " + text;
            }
            return isNull() ? "null" : "the text '" + text + "'";
        }
    }

    /** Describes a node for an error message ("a list", "the text 'x'"). */
    public static String describe(Node n) {
        return n.kind();
    }

    /**
     * Parses one YAML document.
     *
     * @throws PlanYamlException on a syntax error, a duplicate key or an empty document
     */
    public static Node parse(Reader reader, String source) {
        try (JsonParser p = new YAMLFactory().createParser(reader)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new PlanYamlException(source, 0, 0, "", "the document is empty", null);
            }
            Node root = read(p, source, "");
            if (p.nextToken() != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new PlanYamlException(source, l.getLineNr(), l.getColumnNr(), "",
                        "more than one YAML document; a plan is one document", null);
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new PlanYamlException(source, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(), "",
                    "invalid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PlanYamlException(source, 0, 0, "", "cannot read: " + e.getMessage(), e);
        }
    }

    private static Node read(JsonParser p, String source, String path) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                MapNode map = new MapNode(source, loc, path);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation keyLoc = p.currentTokenLocation();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    if (map.entries.containsKey(key)) {
                        throw new PlanYamlException(source, keyLoc.getLineNr(), keyLoc.getColumnNr(), childPath,
                                "duplicate key '" + key + "' (first at line " + map.entries.get(key).line + ")",
                                null);
                    }
                    p.nextToken();
                    Node value = read(p, source, childPath);
                    // errors about a value point at its key's line, which is where a reader looks
                    if (value instanceof Scalar s) {
                        value = new Scalar(source, keyLoc, childPath, s.token, s.text, s.number);
                    }
                    map.entries.put(key, value);
                }
                return map;
            }
            case START_ARRAY -> {
                ListNode list = new ListNode(source, loc, path);
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.items.add(read(p, source, path + "[" + i++ + "]"));
                }
                return list;
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Scalar(source, loc, path, t, p.getText(), p.getNumberValue());
            }
            case VALUE_STRING, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {
                return new Scalar(source, loc, path, t, p.getText(), null);
            }
            default -> throw new PlanYamlException(source, loc.getLineNr(), loc.getColumnNr(), path,
                    "unsupported YAML token " + t, null);
        }
    }
}
