/**
 * Benchmarks of lcrec-tasks: instruction-data generation and JSONL export against writing the same
 * bytes with a plain buffered writer.
 */
package org.lcrec.bench.tasks;
