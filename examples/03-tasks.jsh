// 3. Instruction data: LC-Rec's six tasks as prompt/response samples.
// Run: jshell --class-path lcrec-cli/target/lcrec.jar examples/03-tasks.jsh
import org.lcrec.core.*;
import org.lcrec.tasks.*;

var data = Dataset.synthetic();
var tasks = TaskGenerator.of(data);

// one sample of every task, with the default (seeded) templates
for (var task : TaskType.values())
    tasks.stream(task, Split.TRAIN).findFirst().ifPresent(System.out::println);
// expect: Sample(seqrec#
// expect: Sample(item2index#
// expect: Sample(index2item#
// expect: Sample(fusionseqrec#
// expect: Sample(itemsearch#
// expect: Sample(preferenceobtain#

// what a trainer sees: the prompt in LC-Rec's SFT layout, then the response it learns
var sample = tasks.stream(TaskType.SEQREC, Split.TRAIN).findFirst().orElseThrow();
System.out.println(sample.sftText());
// expect: ### Response:

// how many samples each task gives on each split
System.out.println(tasks.count(java.util.List.of(TaskType.values()), Split.TRAIN));
System.out.println(tasks.count(java.util.List.of(TaskType.SEQREC), Split.TEST));
// expect: seqrec

// as JSON lines, in LC-Rec's format
System.out.println(new JsonlExporter(ExportFormat.LCREC).line(sample));
// expect: "response":"<a_
/exit
