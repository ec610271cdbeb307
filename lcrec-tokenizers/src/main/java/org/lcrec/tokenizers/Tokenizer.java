package org.lcrec.tokenizers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntUnaryOperator;
import org.lcrec.core.SemanticId;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.core.io.FileChecks;

/**
 * A Hugging Face tokenizer read from {@code tokenizer.json}, in pure Java, producing the same ids
 * as the Rust {@code tokenizers} library for the families users bring: WordPiece (BERT, MiniLM),
 * byte-level BPE (GPT-2, Qwen, LLaMA-3) and SentencePiece-style BPE with byte fallback (LLaMA-2).
 *
 * <p>Encoding follows the Hugging Face pipeline: added tokens with {@code normalized=false} are cut
 * out of the raw text; each remaining piece is normalised, added tokens with {@code
 * normalized=true} are cut out of it; the rest is pre-tokenized into words and each word is
 * segmented by the model; the post-processor adds special tokens. Components this class does not
 * implement fail at load time with a {@link TokenizerException} naming them.
 *
 * <p>The {@code padding} and {@code truncation} sections of {@code tokenizer.json} are not applied
 * by {@link #encode}: batch shaping is explicit through {@link BatchOptions} (MiniLM's file pads
 * every row to 128, which an encoder does not need).
 *
 * @implNote Immutable and thread-safe; the word caches of the models are concurrent. Adding tokens
 *     returns a new tokenizer sharing the model.
 */
public final class Tokenizer {
    private static final System.Logger LOG = System.getLogger(Tokenizer.class.getName());

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String source;
    private final ObjectNode json;
    private final Model model;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final AddedVocabulary added;
    private final int padId;
    private final int bosId;
    private final int eosId;

    private Tokenizer(
            String source,
            ObjectNode json,
            Model model,
            Normalizer normalizer,
            PreTokenizer preTokenizer,
            PostProcessor postProcessor,
            Decoder decoder,
            AddedVocabulary added,
            int padId,
            int bosId,
            int eosId) {
        this.source = source;
        this.json = json;
        this.model = model;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.added = added;
        this.padId = padId;
        this.bosId = bosId;
        this.eosId = eosId;
    }

    /**
     * Loads a tokenizer, and the {@code tokenizer_config.json} beside it when there is one (pad,
     * BOS and EOS tokens; {@code add_bos_token}/{@code add_eos_token} for LLaMA-style classes).
     *
     * @param path a {@code tokenizer.json} file, or a directory holding one
     * @return the tokenizer
     * @throws TokenizerException if the file is missing, malformed or uses unsupported components
     */
    public static Tokenizer load(Path path) {
        Objects.requireNonNull(path, "path");
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        Tokenizer tk;
        try (InputStream in = Files.newInputStream(file)) {
            tk = read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerException(
                    file
                            + ": tokenizer file not found"
                            + (Files.isDirectory(path)
                                    ? " (expected tokenizer.json in the directory)"
                                    : ""),
                    e);
        } catch (IOException e) {
            throw new TokenizerException(
                    file + ": cannot read tokenizer: " + FileChecks.describe(e), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        Path config = dir == null ? null : dir.resolve("tokenizer_config.json");
        return config != null && Files.isRegularFile(config) ? tk.withConfig(config) : tk;
    }

    /**
     * Reads a tokenizer from a stream (for example a classpath resource).
     *
     * @param in the JSON content of a {@code tokenizer.json}; not closed
     * @param source a name for messages
     * @return the tokenizer
     */
    public static Tokenizer read(InputStream in, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (IOException e) {
            throw new TokenizerException(source + ": not valid JSON: " + FileChecks.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new TokenizerException(
                    source
                            + ": expected a JSON object, found "
                            + (root == null ? "nothing" : root.getNodeType()));
        }
        return fromTree((ObjectNode) root, source);
    }

    /**
     * @param json the content of a {@code tokenizer.json}
     * @param source a name for messages
     * @return the tokenizer
     */
    public static Tokenizer fromJson(String json, String source) {
        return read(
                new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), source);
    }

    private static Tokenizer fromTree(ObjectNode root, String source) {
        JsonNode modelNode = Json.object(root, "model", source);
        Normalizer normalizer = Normalizer.fromJson(root.get("normalizer"), source);
        PreTokenizer.Parsed pre = PreTokenizer.fromJson(root.get("pre_tokenizer"), source);
        String type =
                modelNode.has("type")
                        ? modelNode.get("type").asText()
                        : (modelNode.has("merges") ? "BPE" : "?");
        JsonNode addedList = root.get("added_tokens");
        int addedCount = addedList != null && addedList.isArray() ? addedList.size() : 0;
        Model model;
        switch (type) {
            case "WordPiece":
                if (pre.byteLevel()) {
                    throw new TokenizerException(
                            source
                                    + ": a ByteLevel pre-tokenizer with a WordPiece model is not supported");
                }
                model = WordPieceModel.fromJson(modelNode, source, addedCount);
                break;
            case "BPE":
                model = BpeModel.fromJson(modelNode, pre.byteLevel(), source, addedCount);
                break;
            default:
                throw new TokenizerException(
                        source
                                + ": unsupported model type \""
                                + type
                                + "\" (supported: WordPiece, BPE)");
        }
        PostProcessor post = PostProcessor.fromJson(root.get("post_processor"), source);
        Decoder decoder = Decoder.fromJson(root.get("decoder"), source);
        List<AddedToken> addedTokens = new ArrayList<>();
        JsonNode list = root.get("added_tokens");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new TokenizerException(
                        source + ": expected array \"added_tokens\", found " + list.getNodeType());
            }
            for (JsonNode t : list) {
                String where = source + ": added_tokens[" + addedTokens.size() + "]";
                String content = Json.text(t, "content", where);
                if (content.isEmpty()) {
                    continue;
                }
                AddedToken token =
                        new AddedToken(
                                0,
                                content,
                                t.path("single_word").asBoolean(false),
                                t.path("lstrip").asBoolean(false),
                                t.path("rstrip").asBoolean(false),
                                t.path("normalized").asBoolean(!t.path("special").asBoolean(false)),
                                t.path("special").asBoolean(false));
                addTo(addedTokens, token, model);
                // ids are assigned as Hugging Face assigns them (vocabulary first, then after
                // it); like Hugging Face, say so when the file's own id disagrees
                JsonNode fileId = t.get("id");
                int assigned = -1;
                for (AddedToken a : addedTokens) {
                    if (a.content().equals(content)) {
                        assigned = a.id();
                    }
                }
                if (fileId != null && (!fileId.canConvertToInt() || fileId.asInt() != assigned)) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "{0}: token \"{1}\" has id {2} in the file but is given id {3}, as"
                                    + " Hugging Face tokenizers would; the model may expect the"
                                    + " file''s id",
                            where,
                            content,
                            fileId.toString(),
                            assigned);
                }
            }
        }
        AddedVocabulary added = new AddedVocabulary(addedTokens, normalizer);
        int padId = -1;
        JsonNode padding = root.get("padding");
        if (padding != null && padding.has("pad_id")) {
            padId = padding.get("pad_id").asInt();
        }
        Tokenizer tk =
                new Tokenizer(
                        source,
                        root,
                        model,
                        normalizer,
                        pre.preTokenizer(),
                        post,
                        decoder,
                        added,
                        0,
                        -1,
                        -1);
        if (padId < 0) {
            for (String name : new String[] {"[PAD]", "<pad>", "<|endoftext|>", "<unk>"}) {
                padId = tk.tokenToId(name);
                if (padId >= 0) {
                    break;
                }
            }
        }
        return tk.withPadId(Math.max(padId, 0));
    }

    /**
     * Adds a token with the id Hugging Face would give it (its vocabulary id, else the next free
     * id).
     */
    private static void addTo(List<AddedToken> tokens, AddedToken token, Model model) {
        for (AddedToken t : tokens) {
            if (t.sameAs(token)) {
                return;
            }
        }
        int id = -1;
        for (AddedToken t : tokens) {
            if (t.content().equals(token.content())) {
                id = t.id();
            }
        }
        if (id < 0) {
            id = model.tokenToId(token.content());
        }
        if (id < 0) {
            int vocab = model.vocabSize();
            int max = -1;
            for (AddedToken t : tokens) {
                max = Math.max(max, t.id());
            }
            id = max < 0 ? vocab : (max >= vocab || vocab == 0 ? max + 1 : vocab);
        }
        final int newId = id;
        tokens.removeIf(t -> t.id() == newId || t.content().equals(token.content()));
        tokens.add(token.withId(id));
    }

    private Tokenizer withPadId(int id) {
        return new Tokenizer(
                source,
                json,
                model,
                normalizer,
                preTokenizer,
                postProcessor,
                decoder,
                added,
                id,
                bosId,
                eosId);
    }

    /**
     * Applies what {@code tokenizer_config.json} adds to {@code tokenizer.json}: the pad, BOS and
     * EOS tokens, and for LLaMA-style tokenizer classes (whose fast tokenizers rebuild the
     * post-processor from them) the {@code add_bos_token}/{@code add_eos_token} flags.
     */
    private Tokenizer withConfig(Path configFile) {
        JsonNode c;
        try {
            c = MAPPER.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new TokenizerException(
                    configFile + ": not valid JSON: " + FileChecks.describe(e), e);
        }
        if (c == null || !c.isObject()) {
            throw new TokenizerException(configFile + ": expected a JSON object");
        }
        int pad = configTokenId(c, "pad_token", configFile);
        int bos = configTokenId(c, "bos_token", configFile);
        int eos = configTokenId(c, "eos_token", configFile);
        PostProcessor post = postProcessor;
        String cls = c.path("tokenizer_class").asText("");
        if (cls.startsWith("LlamaTokenizer") || cls.startsWith("GemmaTokenizer")) {
            boolean addBos = c.path("add_bos_token").asBoolean(true);
            boolean addEos = c.path("add_eos_token").asBoolean(false);
            if ((addBos && bos < 0) || (addEos && eos < 0)) {
                throw new TokenizerException(
                        configFile
                                + ": add_bos_token/add_eos_token set but the token is not defined");
            }
            post =
                    new PostProcessor(
                            addBos ? new int[] {bos} : new int[0],
                            addEos ? new int[] {eos} : new int[0]);
        }
        return new Tokenizer(
                source,
                json,
                model,
                normalizer,
                preTokenizer,
                post,
                decoder,
                added,
                pad >= 0 ? pad : padId,
                bos,
                eos);
    }

    private int configTokenId(JsonNode c, String field, Path file) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            return -1;
        }
        String content = v.isTextual() ? v.asText() : v.path("content").asText(null);
        if (content == null) {
            throw new TokenizerException(
                    file + ": " + field + ": expected a string or {\"content\": ...}, found " + v);
        }
        int id = tokenToId(content);
        if (id < 0) {
            throw new TokenizerException(
                    file + ": " + field + " \"" + content + "\" is not in the vocabulary");
        }
        return id;
    }

    /**
     * @return the BOS token id from {@code tokenizer_config.json}, or -1 when not defined
     */
    public int bosTokenId() {
        return bosId;
    }

    /**
     * @return the EOS token id from {@code tokenizer_config.json}, or -1 when not defined
     */
    public int eosTokenId() {
        return eosId;
    }

    /**
     * Encodes a text with the special tokens of the post-processor.
     *
     * @param text the text
     * @return the token ids
     * @throws IllegalArgumentException if text is null
     */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /**
     * Encodes a text.
     *
     * @param text the text
     * @param addSpecialTokens whether to add the post-processor's special tokens
     * @return the token ids
     * @throws IllegalArgumentException if text is null
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        IntList out = new IntList(text == null ? 0 : text.length() / 3 + 4);
        encodeInto(text, out, addSpecialTokens, 0);
        return out.toArray();
    }

    /**
     * Encodes a batch of texts into rows of ids and attention masks.
     *
     * @param texts the texts (none null)
     * @param options truncation, padding and special tokens
     * @return the batch, rows in input order
     */
    public BatchEncoding encodeBatch(List<String> texts, BatchOptions options) {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(options, "options");
        int n = texts.size();
        int[][] rows = new int[n][];
        IntList buf = new IntList(256);
        int longest = 0;
        for (int i = 0; i < n; i++) {
            buf.clear();
            String t = texts.get(i);
            if (t == null) {
                throw new IllegalArgumentException("texts[" + i + "] is null");
            }
            encodeInto(t, buf, options.addSpecialTokens(), options.maxLength());
            rows[i] = buf.toArray();
            longest = Math.max(longest, rows[i].length);
        }
        int width;
        switch (options.padding()) {
            case LONGEST:
                width = longest;
                break;
            case MAX_LENGTH:
                width = options.maxLength();
                break;
            default:
                width = -1;
        }
        if (width >= 0 && options.padToMultipleOf() > 1) {
            int m = options.padToMultipleOf();
            width = (width + m - 1) / m * m;
        }
        int pad = options.padId() >= 0 ? options.padId() : padId;
        int[][] ids = new int[n][];
        int[][] mask = new int[n][];
        for (int i = 0; i < n; i++) {
            int len = rows[i].length;
            int w = width < 0 ? len : Math.max(width, len);
            ids[i] = Arrays.copyOf(rows[i], w);
            Arrays.fill(ids[i], len, w, pad);
            mask[i] = new int[w];
            Arrays.fill(mask[i], 0, len, 1);
        }
        return new BatchEncoding(ids, mask);
    }

    private void encodeInto(String text, IntList out, boolean addSpecial, int maxLength) {
        if (text == null) {
            throw new IllegalArgumentException("text to encode is null");
        }
        int start = out.size();
        if (addSpecial) {
            for (int id : postProcessor.prefix()) {
                out.add(id);
            }
        }
        int bodyStart = out.size();
        List<String> words = new ArrayList<>();
        added.raw()
                .split(
                        text,
                        new AddedVocabulary.Sink() {
                            @Override
                            public void text(String s, int from, int to) {
                                String piece = s.substring(from, to);
                                String norm =
                                        normalizer == null ? piece : normalizer.normalize(piece);
                                if (norm.isEmpty()) {
                                    return;
                                }
                                added.normalized()
                                        .split(
                                                norm,
                                                new AddedVocabulary.Sink() {
                                                    @Override
                                                    public void text(String s2, int f2, int t2) {
                                                        modelPiece(
                                                                f2 == 0 && t2 == s2.length()
                                                                        ? s2
                                                                        : s2.substring(f2, t2),
                                                                words,
                                                                out);
                                                    }

                                                    @Override
                                                    public void token(int id) {
                                                        out.add(id);
                                                    }
                                                });
                            }

                            @Override
                            public void token(int id) {
                                out.add(id);
                            }
                        });
        if (maxLength > 0) {
            int room = Math.max(0, maxLength - (addSpecial ? postProcessor.added() : 0));
            out.truncate(bodyStart + room);
        }
        if (addSpecial) {
            for (int id : postProcessor.suffix()) {
                out.add(id);
            }
            if (maxLength > 0 && out.size() - start > maxLength) {
                out.truncate(start + maxLength);
            }
        }
    }

    private void modelPiece(String piece, List<String> words, IntList out) {
        if (preTokenizer == null) {
            model.tokenize(piece, out);
            return;
        }
        words.clear();
        preTokenizer.split(piece, words);
        for (int i = 0, n = words.size(); i < n; i++) {
            String w = words.get(i);
            if (!w.isEmpty()) {
                model.tokenize(w, out);
            }
        }
    }

    /**
     * @param ids token ids
     * @return their token strings ({@code null} for unknown ids)
     */
    public List<String> tokens(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(idToToken(id));
        }
        return out;
    }

    /**
     * Decodes ids to text, keeping special tokens.
     *
     * @param ids token ids
     * @return the text
     */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Decodes ids to text through the tokenizer's decoder (byte-level and byte-fallback tokens are
     * reassembled into UTF-8). Unknown ids are skipped.
     *
     * @param ids token ids
     * @param skipSpecialTokens whether to drop special added tokens
     * @return the text
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        Objects.requireNonNull(ids, "ids");
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            AddedToken a = added.byId(id);
            String t = a != null ? a.content() : model.idToToken(id);
            if (t == null) {
                continue;
            }
            if (skipSpecialTokens && added.isSpecial(t)) {
                continue;
            }
            tokens.add(t);
        }
        if (decoder == null) {
            return String.join(" ", tokens);
        }
        return String.join("", decoder.chain(tokens));
    }

    /**
     * @param token a token string (added tokens first, then the model's vocabulary)
     * @return its id, or -1
     */
    public int tokenToId(String token) {
        int id = added.id(token);
        return id >= 0 ? id : model.tokenToId(token);
    }

    /**
     * @param id a token id
     * @return its string, or {@code null}
     */
    public String idToToken(int id) {
        AddedToken a = added.byId(id);
        return a != null ? a.content() : model.idToToken(id);
    }

    /**
     * @return the number of ids in use: one more than the largest id of the model or the added
     *     tokens (the embedding rows a language model needs)
     */
    public int vocabSize() {
        int max = model.vocabSize() - 1;
        for (AddedToken t : added.tokens()) {
            max = Math.max(max, t.id());
        }
        return max + 1;
    }

    /**
     * @return the added tokens, in the order they were added
     */
    public List<AddedToken> addedTokens() {
        return added.tokens();
    }

    /**
     * @return the id used for padding: {@code padding.pad_id} of the file, else {@code [PAD]},
     *     {@code <pad>}, {@code <|endoftext|>} or {@code <unk>}, else 0
     */
    public int padId() {
        return padId;
    }

    /**
     * @return how many special tokens the post-processor adds to a single sequence
     */
    public int specialTokenCount() {
        return postProcessor.added();
    }

    /**
     * Adds tokens matched verbatim in the raw input (not normalised, no stripping). Tokens already
     * added are kept; tokens already in the vocabulary keep their id; the others get new ids after
     * the largest id in use, in order.
     *
     * @param contents the token texts
     * @param special whether they are special (dropped by {@code decode(ids, true)})
     * @return the new tokenizer
     */
    public Tokenizer withAddedTokens(List<String> contents, boolean special) {
        List<AddedToken> tokens = new ArrayList<>(added.tokens());
        for (String c : contents) {
            if (c == null || c.isEmpty()) {
                throw new IllegalArgumentException(
                        "added token must be non-empty, found " + (c == null ? "null" : "\"\""));
            }
            addTo(tokens, AddedToken.plain(0, c, special), model);
        }
        return new Tokenizer(
                source,
                json,
                model,
                normalizer,
                preTokenizer,
                postProcessor,
                decoder,
                new AddedVocabulary(tokens, normalizer),
                padId,
                bosId,
                eosId);
    }

    /**
     * Adds the index tokens of a semantic index ({@code <a_0>}...) as single, non-special tokens
     * matched in the raw text, so that {@code <a_12><b_7>} encodes to exactly two ids.
     *
     * @param index the index
     * @return the new tokenizer
     */
    public Tokenizer withIndexTokens(SemanticIndex index) {
        return withAddedTokens(index.tokens(), false);
    }

    /**
     * A tokenizer whose vocabulary keeps only the tokens that {@code texts} use, plus every added
     * token (specials, index tokens) and the unknown token, renumbered densely in the original
     * order. For a model trained from scratch the other rows of its embedding and output layer
     * would never be a target: they only cost compute (on MiniLM's 30,522-token vocabulary the
     * output layer is most of a small model's work) and probability mass that training has to push
     * down.
     *
     * <p>The kept texts tokenise to the same tokens as before (WordPiece is greedy longest-match
     * first, so a token that none of these texts produced never won a match; removing it changes no
     * decision), with the new ids. Other text may split differently or become the unknown token.
     *
     * @param texts the texts the model will see (training data and prompts)
     * @return the restricted tokenizer
     * @throws TokenizerException for a model other than WordPiece
     */
    public Tokenizer restrictedTo(Iterable<String> texts) {
        if (!(model instanceof WordPieceModel)) {
            throw new TokenizerException(
                    source
                            + ": vocabulary restriction supports WordPiece models, found "
                            + model.getClass().getSimpleName());
        }
        int size = vocabSize();
        BitSet keep = new BitSet(size);
        for (AddedToken t : added.tokens()) {
            keep.set(t.id());
        }
        String unk = json.path("model").path("unk_token").asText("");
        if (tokenToId(unk) >= 0) {
            keep.set(tokenToId(unk));
        }
        if (padId >= 0) {
            keep.set(padId);
        }
        for (String text : texts) {
            for (int id : encode(text, true)) {
                keep.set(id);
            }
        }
        int[] map = new int[size];
        Arrays.fill(map, -1);
        int n = 0;
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            map[i] = n++;
        }
        ObjectNode copy = json.deepCopy();
        ObjectNode modelNode = (ObjectNode) copy.get("model");
        ObjectNode vocab = MAPPER.createObjectNode();
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        modelNode.get("vocab").properties().forEach(entries::add);
        entries.sort((a, b) -> Integer.compare(a.getValue().asInt(), b.getValue().asInt()));
        for (Map.Entry<String, JsonNode> e : entries) {
            int id = e.getValue().asInt();
            if (id >= 0 && id < size && map[id] >= 0) {
                vocab.put(e.getKey(), map[id]);
            }
        }
        modelNode.set("vocab", vocab);
        putAddedTokens(copy, id -> map[id]);
        JsonNode padding = copy.get("padding");
        if (padding instanceof ObjectNode pn && pn.has("pad_id")) {
            pn.put("pad_id", map[pn.get("pad_id").asInt()]);
        }
        JsonNode specials = copy.path("post_processor").path("special_tokens");
        if (specials instanceof ObjectNode sn) {
            for (Map.Entry<String, JsonNode> e : sn.properties()) {
                if (e.getValue().get("ids") instanceof ArrayNode ids) {
                    for (int i = 0; i < ids.size(); i++) {
                        int old = ids.get(i).asInt();
                        if (old < 0 || old >= size || map[old] < 0) {
                            throw new TokenizerException(
                                    source
                                            + ": post-processor special token "
                                            + e.getKey()
                                            + " has id "
                                            + old
                                            + ", which is not a kept token");
                        }
                        ids.set(i, MAPPER.getNodeFactory().numberNode(map[old]));
                    }
                }
            }
        }
        return fromTree(copy, source + " (restricted to " + n + " tokens)");
    }

    /**
     * @param index an index whose tokens were added with {@link #withIndexTokens}
     * @return token → id for every index token, in {@link SemanticIndex#tokens()} order
     * @throws TokenizerException if a token is not a single added token here
     */
    public Map<String, Integer> indexTokenIds(SemanticIndex index) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String t : index.tokens()) {
            int id = added.id(t);
            if (id < 0) {
                throw new TokenizerException(
                        source
                                + ": index token "
                                + t
                                + " has not been added (call withIndexTokens first)");
            }
            out.put(t, id);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * @param id a semantic id whose tokens were added
     * @return one token id per level
     */
    public int[] ids(SemanticId id) {
        int[] out = new int[id.levels()];
        for (int l = 0; l < out.length; l++) {
            String t = org.lcrec.core.IndexTokens.token(l, id.code(l));
            int tid = added.id(t);
            if (tid < 0) {
                throw new TokenizerException(source + ": index token " + t + " has not been added");
            }
            out[l] = tid;
        }
        return out;
    }

    /**
     * Writes this tokenizer as {@code tokenizer.json}: the original file with its {@code
     * added_tokens} replaced by this tokenizer's, in ascending id order (the order Hugging Face
     * assigns ids in when it loads them). Written atomically.
     *
     * @param path the target file, or a directory to write {@code tokenizer.json} into
     */
    public void save(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        ObjectNode copy = json.deepCopy();
        putAddedTokens(copy, id -> id);
        // re-order so that added_tokens stays where Hugging Face writes it (after
        // version/truncation/padding)
        ObjectNode ordered = MAPPER.createObjectNode();
        for (String key : List.of("version", "truncation", "padding", "added_tokens")) {
            if (copy.has(key)) {
                ordered.set(key, copy.get(key));
            }
        }
        for (Map.Entry<String, JsonNode> e : copy.properties()) {
            if (!ordered.has(e.getKey())) {
                ordered.set(e.getKey(), e.getValue());
            }
        }
        byte[] bytes;
        try {
            bytes =
                    MAPPER.copy()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsBytes(ordered);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(
                    file + ": cannot serialise tokenizer: " + e.getMessage(), e);
        }
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Writes this tokenizer's added tokens into {@code root}'s {@code added_tokens}, in ascending
     * id order, with each id passed through {@code ids}.
     */
    private void putAddedTokens(ObjectNode root, IntUnaryOperator ids) {
        ArrayNode list = root.putArray("added_tokens");
        List<AddedToken> sorted = new ArrayList<>(added.tokens());
        sorted.sort((a, b) -> Integer.compare(a.id(), b.id()));
        for (AddedToken t : sorted) {
            ObjectNode o = list.addObject();
            o.put("id", ids.applyAsInt(t.id()));
            o.put("content", t.content());
            o.put("single_word", t.singleWord());
            o.put("lstrip", t.lstrip());
            o.put("rstrip", t.rstrip());
            o.put("normalized", t.normalized());
            o.put("special", t.special());
        }
    }

    /**
     * @return where this tokenizer was read from
     */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Tokenizer(source="
                + source
                + ", model="
                + model.getClass().getSimpleName().replace("Model", "")
                + ", vocab="
                + vocabSize()
                + ", added="
                + added.tokens().size()
                + ")";
    }
}
