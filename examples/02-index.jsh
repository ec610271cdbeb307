// 2. A semantic index in one call, and how good it is.
// Run: jshell --class-path lcrec-cli/target/lcrec.jar examples/02-index.jsh
import org.lcrec.core.*;
import org.lcrec.quantization.*;

var data = Dataset.synthetic();

// lexical embeddings of title + description, an RQ-VAE with the CPU preset, LC-Rec's mapping
var generated = IndexGenerator.fromTexts(data.items(), "cpu");
System.out.println(generated.statistics());
// expect: collisionsFinal=0

// codes used, perplexity and a code-usage histogram per level
System.out.println(generated.render());
// expect: 600 items, 3 levels
// expect: level a
// expect: level c

// the same histogram as a picture
var png = java.nio.file.Path.of("target", "examples", "code-usage.png");
System.out.println("chart: " + org.lcrec.core.render.Charts.codeUsage(png, generated.codeUsage()));
// expect: code-usage.png

// every item has its own ID; write it in LC-Rec's format and use it in place of the shipped one
var index = generated.index();
System.out.println("collisions: " + index.collisions());
System.out.println("item 0 is " + index.get(0).toTokenString());
var file = java.nio.file.Files.createTempFile("synthetic", ".index.json");
generated.writeIndexJson(file);
var reindexed = data.withIndex(org.lcrec.core.io.LcRecFiles.readIndex(file));
System.out.println(reindexed.index().size() + " items indexed, read back from " + file.getFileName());
// expect: 600 items indexed
/exit
