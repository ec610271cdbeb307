/**
 * Generation of the per-user texts LC-Rec's itemsearch and preferenceobtain tasks need (preferences
 * and vague intentions, {@code <D>.user.json}) through any OpenAI-compatible chat-completions
 * endpoint, with {@code java.net.http} only: batching, retries with backoff, a resumable cache file
 * and strict answer parsing.
 */
package org.lcrec.tasks.llm;
