package org.lcrec.tasks;

/**
 * A sample as the exporter sees it: metadata plus instruction and response appended straight into
 * an output buffer as JSON string content. Lets {@link JsonlExporter} write generated samples
 * without first building them as strings; {@link Sample}s are adapted to it.
 */
interface SampleView {
    TaskType task();

    int templateId();

    int targetItem();

    String user();

    /** Appends the instruction, JSON-escaped, without quotes. */
    void appendInstruction(StringBuilder out);

    /** Appends the response, JSON-escaped, without quotes. */
    void appendResponse(StringBuilder out);

    /** Appends the instruction, JSON-escaped and UTF-8-encoded, without quotes. */
    void appendInstruction(Utf8Buffer out);

    /** Appends the response, JSON-escaped and UTF-8-encoded, without quotes. */
    void appendResponse(Utf8Buffer out);
}
