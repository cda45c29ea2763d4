package com.rediacc.cli;

import picocli.CommandLine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "90", "90s", "5m", "1h30m", "2d" as seconds (a picocli converter: bad input is a usage error). */
final class Durations implements CommandLine.ITypeConverter<Integer> {
    private static final Pattern PART = Pattern.compile("(\\d+)([smhd]?)");

    @Override
    public Integer convert(String value) {
        return seconds(value);
    }

    static int seconds(String value) {
        String text = value.trim().toLowerCase();
        if (text.isEmpty()) {
            throw new CommandLine.TypeConversionException("'' is not a duration (e.g. 30s, 5m, 1h30m)");
        }
        Matcher matcher = PART.matcher(text);
        long total = 0;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            long number = Long.parseLong(matcher.group(1));
            total += switch (matcher.group(2)) {
                case "m" -> number * 60;
                case "h" -> number * 3600;
                case "d" -> number * 86400;
                default -> number;
            };
            end = matcher.end();
            if (matcher.group(2).isEmpty()) {
                break;
            }
        }
        if (end != text.length() || total > Integer.MAX_VALUE) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 30s, 5m, 1h30m)");
        }
        return (int) total;
    }

    /** A duration the API counts in whole minutes: "10m", "2h", "1d" as minutes ("90s" is refused). */
    static final class Minutes implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int seconds = seconds(value);
            if (seconds % 60 != 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number of minutes (e.g. 10m, 2h)");
            }
            return seconds / 60;
        }
    }
}
