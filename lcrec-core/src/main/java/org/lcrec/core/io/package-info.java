/**
 * Reading and writing datasets: LC-Rec's dataset directory ({@code <D>.inter.json}, {@code
 * .item.json}, {@code .index.json}, {@code .user.json}), MiniOneRec's CSV layout, and atomic file
 * writes.
 */
package org.lcrec.core.io;
