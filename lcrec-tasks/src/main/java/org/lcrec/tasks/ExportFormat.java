package org.lcrec.tasks;

import java.util.Locale;

/** The JSON Lines shapes {@link JsonlExporter} writes, one JSON object per sample and line. */
public enum ExportFormat {
    /**
     * Alpaca: {@code {"instruction": ..., "input": "", "output": ...}}; the instruction is the
     * filled template (the history is part of it, so {@code input} is empty).
     */
    ALPACA,
    /**
     * Chat: {@code {"messages": [{"role": "user", "content": instruction}, {"role": "assistant",
     * "content": response}]}}.
     */
    CHAT,
    /**
     * LC-Rec's SFT layout, prompt and response apart so a trainer can mask the prompt: {@code
     * {"version": 1, "task", "template", "prompt", "response", "target", "user"}}, where {@code
     * prompt} is {@link SftPrompt#prompt(String)} and prompt + response is the training text.
     */
    LCREC;

    /**
     * @param name {@code alpaca}, {@code chat} or {@code lcrec}, any case
     * @return the format
     * @throws IllegalArgumentException naming the formats if unknown
     */
    public static ExportFormat parse(String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "alpaca" -> ALPACA;
            case "chat" -> CHAT;
            case "lcrec" -> LCREC;
            default ->
                    throw new IllegalArgumentException(
                            "unknown format \"" + name + "\": expected alpaca, chat or lcrec");
        };
    }

    /**
     * @return the lower-case name used on the command line
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
