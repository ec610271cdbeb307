// 5. Evaluate a model with two decoding constraints and compare the two result files.
// Uses the bundle example 4 saved in target/examples/tiny-bundle: run 04 first.
// Run: jshell --class-path lcrec-cli/target/lcrec.jar examples/05-evaluate-compare.jsh
import java.nio.file.*;
import java.util.*;
import org.lcrec.core.*;
import org.lcrec.inference.*;
import org.lcrec.core.render.Charts;
import org.lcrec.inference.render.Tables;

var data = Dataset.synthetic();
var out = Path.of("target", "examples");
var bundle = ModelBundle.read(out.resolve("tiny-bundle"));

// LC-Rec's leave-one-out protocol on the first 100 test users, HR and NDCG at 1, 5 and 10
var protocol = EvaluationConfig.builder().split(Split.TEST).ks(1, 5, 10).maxUsers(100).build();
System.out.println(protocol);

EvaluationResult evaluate(ConstraintMode mode) {
    // the bundle's own decoding (its prompt, no EOS step, history cap), with 10 beams and this constraint
    var config = bundle.recommenderConfig().withBeams(10).withConstraint(mode);
    try (var recommender = Recommender.open(bundle, config, DecoderOptions.cpu())) {
        return Evaluator.evaluate(recommender, data.interactions(), protocol, "tiny model");
    }
}

// beams over the trie of real items' IDs, then LC-Rec's per-position token masks; one file each
evaluate(ConstraintMode.TRIE).write(out.resolve("eval-trie.json"));
evaluate(ConstraintMode.PER_POSITION).write(out.resolve("eval-per-position.json"));

// later, or elsewhere: read the two files back and compare them user by user
var a = EvaluationResult.read(out.resolve("eval-per-position.json"));
var b = EvaluationResult.read(out.resolve("eval-trie.json"));
System.out.println(Tables.evaluation(a));
System.out.println(Tables.evaluation(b));
// expect: tiny model: per-position constraint, test split, 100 sample(s)
// expect: tiny model: trie constraint, test split, 100 sample(s)
var rows = PairedComparison.compare(a, b, 1000, 0.95, 2024);
System.out.println(Tables.comparison(rows, "per-position", "trie"));
// expect: B - A, with A = per-position and B = trie
// expect: ndcg@10

// for context: popularity and co-occurrence baselines on all test users, under LC-Rec's rules
var rules = org.lcrec.inference.baseline.EvaluationRules.defaults();
for (var r : org.lcrec.inference.baseline.BaselineEvaluation.evaluateAll(data, Split.TEST, LeaveOneOut.lcRec(), 42, rules))
    System.out.println(r);
// expect: most-popular(users=2000

var runs = new LinkedHashMap<String, Map<String, Double>>();
runs.put("per-position", a.mean());
runs.put("trie", b.mean());
System.out.println("chart: " + Charts.metrics(out.resolve("metrics.png"), "test split, 100 users", runs));
// expect: metrics.png
/exit
