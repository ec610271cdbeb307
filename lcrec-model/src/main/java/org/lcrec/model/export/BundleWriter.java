package org.lcrec.model.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lcrec.core.SemanticIndex;
import org.lcrec.core.io.AtomicFiles;
import org.lcrec.inference.BundleManifest;
import org.lcrec.inference.ModelBundle;
import org.lcrec.inference.PromptTemplate;
import org.lcrec.inference.TextPrompts;
import org.lcrec.inference.TextTemplate;
import org.lcrec.model.llm.HfCheckpoint;
import org.lcrec.model.llm.LlamaModel;
import org.lcrec.tokenizers.Tokenizer;

/**
 * Writes a {@link ModelBundle}: the decoder exported to ONNX, its tokenizer, the token map, the
 * index, the prompt templates (as text and as the ids the tokenizer gives, BOS first when the model
 * has one) and the manifest.
 *
 * <p>The bundle is written into a temporary sibling directory and moved into place only when
 * complete ({@link AtomicFiles#replaceDirectory}): a reader sees the old bundle or the new one,
 * never a mixture, and the next write repairs what a killed one left.
 */
public final class BundleWriter {
    private BundleWriter() {}

    /**
     * @param model the trained model
     * @param tokenizer its tokenizer (index tokens added)
     * @param index the item index
     * @param prompts the prompt templates the model was trained with (the first is the default)
     * @param manifest the manifest
     * @param dir the bundle directory (replaced if it exists)
     * @return the bundle, read back
     * @throws IllegalArgumentException if the tokenizer lacks an index token or the prompts are
     *     empty
     */
    public static ModelBundle write(
            LlamaModel model,
            Tokenizer tokenizer,
            SemanticIndex index,
            List<TextTemplate> prompts,
            BundleManifest manifest,
            Path dir) {
        return write(model, tokenizer, index, prompts, manifest, dir, ExportOptions.defaults());
    }

    /**
     * As {@link #write(LlamaModel, Tokenizer, SemanticIndex, List, BundleManifest, Path)}, with the
     * decoder files written under {@code options} (external weights, {@code beam_idx}, the
     * beam-search graph).
     *
     * @param options how the decoder is exported
     */
    public static ModelBundle write(
            LlamaModel model,
            Tokenizer tokenizer,
            SemanticIndex index,
            List<TextTemplate> prompts,
            BundleManifest manifest,
            Path dir,
            ExportOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(options, "options");
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException(
                    dir
                            + ": a bundle needs the prompt templates its model was trained with; none given");
        }
        int bos = model.config().bosTokenId();
        List<PromptTemplate> ids = new ArrayList<>();
        for (TextTemplate t : prompts) {
            ids.add(TextPrompts.tokenize(tokenizer, t, bos));
        }
        Path abs = dir.toAbsolutePath().normalize();
        AtomicFiles.replaceDirectory(
                abs,
                staging -> {
                    DecoderExport.writeFiles(model, staging, options);
                    tokenizer.save(staging.resolve(HfCheckpoint.TOKENIZER));
                    ModelBundle.writeServingFiles(
                            staging,
                            index,
                            TextPrompts.tokenMap(tokenizer, index),
                            prompts,
                            ids,
                            bos,
                            manifest);
                });
        return ModelBundle.read(abs);
    }
}
