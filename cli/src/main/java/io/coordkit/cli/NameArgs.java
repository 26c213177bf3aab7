package io.coordkit.cli;

import picocli.CommandLine;

/**
 * zkCli habits: names may be written with a leading {@code /} ({@code /app/mode} is the key {@code app/mode}), and a
 * prefix may also end with one ({@code ls /}, {@code ls /app/}). Names are always relative to the URI's namespace;
 * the slash only marks the namespace's root, as {@code watch} shows it.
 */
final class NameArgs {

    private NameArgs() {
    }

    /** A key or name: one leading {@code /} is dropped; the rest is checked as a name (NAM-1). */
    static final class Name implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return value.startsWith("/") ? value.substring(1) : value;
        }
    }

    /** A prefix: one leading and one trailing {@code /} are dropped, so {@code /} alone is the whole namespace. */
    static final class Prefix implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.startsWith("/") ? value.substring(1) : value;
            return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        }
    }
}
