// 4. Train a small model on the synthetic dataset into a bundle, then recommend for one user.
// Run: jshell --class-path lcrec-cli/target/lcrec.jar examples/04-train-recommend.jsh
// (about a minute on 2 CPU cores: the recipe `reproduce` uses, cut to 3 epochs)
import java.nio.file.*;
import org.lcrec.core.*;
import org.lcrec.model.*;
import org.lcrec.inference.*;

var data = Dataset.synthetic();

// the recipe: seqrec as one sequence per user window, a compact vocabulary, cpu-tiny, cosine decay
var recipe = RecommenderTrainerConfig.builder().epochs(3).validUsers(100).build();
System.out.println(recipe);
// expect: RecommenderTrainerConfig(tasks=[seqrec], sequenceForm=true, model=cpu-tiny, epochs=3

// one call: tokenizer, training data, model, SFT with validation, the best checkpoint as a bundle
var bundle = new RecommenderTrainer(recipe).train(data, Path.of("target", "examples", "tiny-bundle"));
System.out.println(bundle);
// expect: ModelBundle(
// expect: validation={

// the bundle is all a recommender needs (example 5 evaluates it)
var recommender = Recommender.open(bundle.dir());
var sample = LeaveOneOut.lcRec().samples(data.interactions(), Split.TEST).findFirst().orElseThrow();
var top = recommender.recommend(sample.history(), 5);
for (var s : top.items())
    System.out.printf("%-20s %7.3f  %s%n", s.index(), s.score(), data.items().get(s.item()).title());
System.out.println("held-out item " + sample.target() + " ranked " + top.rankOf(sample.target()) + " (0 = not in the top 5)");
// expect: held-out item
recommender.close();
/exit
