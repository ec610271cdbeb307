// 1. A dataset: statistics, a few items and users.
// Run: jshell --class-path lcrec-cli/target/lcrec.jar examples/01-dataset.jsh
import org.lcrec.core.*;

var data = Dataset.synthetic();
System.out.println(data);
System.out.println(data.stats().render());
// expect: users                  2,000
// expect: index levels           3

// the first three items, with their semantic IDs
for (var item : data.items().items().subList(0, 3))
    System.out.println(item.id() + "  " + data.index().get(item.id()) + "  " + item.title());

// one user's sequence and the leave-one-out split LC-Rec uses
var user = data.interactions().user(0);
System.out.println("user " + user + ": " + java.util.Arrays.toString(data.interactions().sequence(user)));
var test = LeaveOneOut.lcRec().samples(data.interactions(), Split.TEST).findFirst().orElseThrow();
System.out.println("test sample: " + test);
// expect: test sample: Sample(user=0
System.out.println("preferences: " + data.users().preferences().get(user));
/exit
