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

    /**
     * Parquet's jars are optional at run time: the distribution leaves them out (with the Hadoop client
     * they would double its size), so a job that needs them says which ones before it starts.
     */
    static void requireParquetJars() {
        try {
            Class.forName("org.apache.parquet.hadoop.ParquetFileWriter", false, Format.class.getClassLoader());
            Class.forName("org.apache.hadoop.conf.Configuration", false, Format.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("Parquet files need org.apache.parquet:parquet-hadoop and the Hadoop client"
                    + " (org.apache.hadoop:hadoop-client-api, hadoop-client-runtime) on the class path, which this"
                    + " installation leaves out (missing " + e.getMessage() + "); use jsonl, csv or tsv, or a source build");
        }
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
