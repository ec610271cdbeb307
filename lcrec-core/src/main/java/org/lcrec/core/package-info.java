/** Domain types and file formats of LC-Rec: items, interactions, semantic IDs and datasets. */
package org.lcrec.core;
