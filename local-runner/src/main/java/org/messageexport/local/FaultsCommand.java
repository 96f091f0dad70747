package org.messageexport.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.local.faults.FaultSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./run-local faults}: the fault suite on embedded services, one row per fault, as the README's table. */
@Command(
        name = "faults",
        mixinStandardHelpOptions = true,
        description = "Inject each fault into an export on embedded services and print what happened: messages lost,"
                + " duplicate objects, the job's verdict. Exit 0 when every fault was survived.")
final class FaultsCommand implements Callable<Integer> {
    @Option(names = "--only", split = ",", description = "Only these faults: ${COMPLETION-CANDIDATES}")
    List<FaultSuite.Fault> only;

    @Override
    public Integer call() throws Exception {
        List<FaultSuite.Fault> faults = only == null || only.isEmpty() ? List.of(FaultSuite.Fault.values()) : only;
        try (EmbeddedServices services = EmbeddedServices.start()) {
            FaultSuite suite = new FaultSuite(services);
            List<FaultSuite.Row> rows = new ArrayList<>();
            for (FaultSuite.Fault fault : faults) {
                System.out.println("· " + fault.description() + " …");
                rows.add(suite.run(fault));
            }
            System.out.println();
            System.out.print(FaultSuite.table(rows));
            return rows.stream().allMatch(FaultSuite.Row::survived) ? 0 : 1;
        }
    }
}
