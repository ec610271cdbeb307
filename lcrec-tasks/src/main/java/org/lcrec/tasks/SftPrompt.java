package org.lcrec.tasks;

/**
 * LC-Rec's supervised fine-tuning layout (the Alpaca instruction wrapper): a fixed preamble, the
 * instruction, and a response marker directly followed by the response, with no space or newline
 * between marker and response. Trainers compute the loss on the response only, so the prompt (up to
 * and including the marker) is kept separate from the response.
 */
public final class SftPrompt {
    /** Everything before the instruction. */
    public static final String HEADER =
            "Below is an instruction that describes a task. Write a response that appropriately"
                    + " completes the request.\n\n### Instruction:\n";

    /** Everything between the instruction and the response. */
    public static final String RESPONSE_MARKER = "\n\n### Response:";

    private SftPrompt() {}

    /**
     * @param instruction a filled instruction
     * @return the prompt: header, instruction, response marker
     */
    public static String prompt(String instruction) {
        return HEADER + instruction + RESPONSE_MARKER;
    }

    /**
     * @param instruction a filled instruction
     * @param response its response
     * @return prompt immediately followed by the response
     */
    public static String full(String instruction, String response) {
        return HEADER + instruction + RESPONSE_MARKER + response;
    }
}
