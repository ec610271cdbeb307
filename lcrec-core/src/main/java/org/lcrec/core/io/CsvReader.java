package org.lcrec.core.io;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RFC 4180 reader: comma-separated fields, double-quoted fields may hold commas, line
 * breaks and doubled quotes. Tracks the line each record starts on, for error messages.
 */
final class CsvReader {
    private final Reader in;
    private int peeked = -2;
    private int line = 1;
    private int recordLine = 1;

    CsvReader(Reader in) {
        this.in = in;
    }

    /**
     * @return the line on which the last record returned by {@link #next()} started
     */
    int recordLine() {
        return recordLine;
    }

    /**
     * @return the next record's fields, or {@code null} at end of input
     * @throws IOException on read failure or an unterminated quoted field
     */
    List<String> next() throws IOException {
        int c = read();
        while (c == '\r' || c == '\n') {
            if (c == '\n') {
                line++;
            }
            c = read();
        }
        if (c < 0) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (c == '"') {
                int start = line;
                while (true) {
                    c = read();
                    if (c < 0) {
                        throw new IOException("line " + start + ": unterminated quoted field");
                    }
                    if (c == '\n') {
                        line++;
                    }
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            sb.append('"');
                            continue;
                        }
                        c = d;
                        break;
                    }
                    sb.append((char) c);
                }
            }
            while (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                sb.append((char) c);
                c = read();
            }
            fields.add(sb.toString());
            sb.setLength(0);
            if (c == ',') {
                c = read();
                continue;
            }
            if (c == '\r') {
                int d = read();
                if (d != '\n') {
                    unread(d);
                }
            }
            if (c >= 0) {
                line++;
            }
            return fields;
        }
    }

    private int read() throws IOException {
        if (peeked != -2) {
            int p = peeked;
            peeked = -2;
            return p;
        }
        return in.read();
    }

    private void unread(int c) {
        peeked = c;
    }
}
