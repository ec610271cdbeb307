/** What tasks keep per JVM ({@link org.lcrec.spark.internal.ExecutorCache}); not API. */
package org.lcrec.spark.internal;
