package dev.javelin.batch;

import java.nio.file.Path;
import java.util.Locale;

/** A file format batch jobs read and write, chosen by extension or by name ({@code --format}). */
public enum Format {
    JSONL("jsonl"),
    CSV("csv"),
    TSV("tsv"),
    PARQUET("parquet");

    private final String extension;

    Format(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** {@code name} (jsonl, json, ndjson, csv, tsv, parquet) when not null, else {@code file}'s extension. */
    public static Format of(Path file, String name) {
        if (name != null) {
            Format f = byName(name);
            if (f == null) throw new IllegalArgumentException("unknown format '" + name + "'; use jsonl, csv, tsv or parquet");
            return f;
        }
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        Format f = dot < 0 ? null : byName(fileName.substring(dot + 1));
        if (f == null) {
            throw new IllegalArgumentException("cannot tell the format of " + file
                    + " from its extension; name it .jsonl, .csv, .tsv or .parquet, or pass --format");
        }
        return f;
    }

    private static Format byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "jsonl", "json", "ndjson" -> JSONL;
            case "csv" -> CSV;
            case "tsv", "tab" -> TSV;
            case "parquet", "pq" -> PARQUET;
            default -> null;
        };
    }
}
