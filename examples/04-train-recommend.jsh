// 4. Train a tiny model on the synthetic dataset, then recommend for one user.
// Run: jshell --class-path lcrec-cli/target/lcrec.jar examples/04-train-recommend.jsh
// (about half a minute on 2 CPU cores: 300 samples, one epoch, a 4M-parameter decoder)
import java.nio.file.*;
import java.util.List;
import org.lcrec.core.*;
import org.lcrec.tasks.*;
import org.lcrec.model.encoder.TextEncoder;
import org.lcrec.model.llm.*;
import org.lcrec.model.sft.*;
import org.lcrec.model.export.*;
import org.lcrec.inference.*;
import org.lcrec.cli.reproduce.SeqrecPrompts;
import org.lcrec.core.render.Charts;

var data = Dataset.synthetic();

// a small WordPiece vocabulary that learns the index tokens (<a_12>, <b_7>, ...)
var tokenizer = TextEncoder.miniLmTokenizer().withIndexTokens(data.index());
int bos = tokenizer.tokenToId("[CLS]"), eos = tokenizer.tokenToId("[SEP]");
var config = LlamaPreset.CPU_TINY.config(tokenizer.vocabSize(), bos, eos, tokenizer.padId());
System.out.println(config);
// expect: LlamaConfig(type=llama

// 300 sequential-recommendation samples: BOS + prompt, then the next item's ID
var samples = TaskGenerator.of(data).stream(TaskType.SEQREC, Split.TRAIN).limit(300).toList();
SftTokenizer plain = (text, specials) -> tokenizer.encode(text, false);
var examples = samples.stream().map(s -> SftExample.of(plain, "[CLS]" + s.sftPrompt(), s.response())).toList();

var sft = SftConfig.builder().maxLength(160).batchSize(8).epochs(1).learningRate(3e-3).seed(42).build();
var result = new SftTrainer(sft).train(LlamaModel.random(config, 42), examples, Files.createTempDirectory("lcrec-sft"), null, null);
System.out.println(result);
System.out.println("loss " + result.losses().get(0) + " -> " + result.finalLoss() + "  " + result.sparkline(60));
// expect: SftResult(steps=38
// expect: loss=

// export for ONNX Runtime, with the tokenizer beside it (example 5 evaluates this model)
var modelDir = Path.of("target", "examples", "tiny-model");
DecoderExport.export(result.model(), modelDir, ExportOptions.defaults());
tokenizer.save(modelDir.resolve("tokenizer.json"));
System.out.println("loss chart: " + Charts.lossCurve(modelDir.resolveSibling("sft-loss.png"), "SFT loss per step", result.losses()));
// expect: sft-loss.png

// a recommender that prompts the way training did (seqrec template 0), beams over real items only
var prompts = SeqrecPrompts.of(TemplateSet.defaults(), List.of(0), TaskConfig.defaults());
var recommender = TextPrompts.open(modelDir, data.index(), prompts, RecommenderConfig.defaults().withBeams(10), DecoderOptions.cpu());
System.out.println(recommender);
// expect: Recommender(ItemTrie(depth=4

// user 0's test case: everything but the last item is history
var sample = LeaveOneOut.lcRec().samples(data.interactions(), Split.TEST).findFirst().orElseThrow();
var top = recommender.recommend(sample.history(), 5);
for (var s : top.items())
    System.out.printf("%-20s %7.3f  %s%n", s.index(), s.score(), data.items().get(s.item()).title());
System.out.println("held-out item " + sample.target() + " ranked " + top.rankOf(sample.target()) + " (0 = not in the top 5)");
// expect: held-out item
recommender.close();
/exit
