package org.messageexport.port;

import java.util.List;
import org.messageexport.domain.ExportWindow;

/**
 * How many messages a window holds in the index now, and a sample of them: what an operator compares an export
 * with, or estimates one by, before anything runs. Thread-safe; {@link TransientException} when unreachable.
 */
public interface WindowCensus {
    /** The exact number of messages of the window (the same query extraction pages through). */
    long count(ExportWindow window);

    /** Up to {@code size} message ids of the window, spread over it (a random sample, not the first ones). */
    List<String> sample(ExportWindow window, int size);
}
