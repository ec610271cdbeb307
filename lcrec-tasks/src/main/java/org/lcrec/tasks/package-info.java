/**
 * Instruction data for LC-Rec's six alignment tasks (Zheng et al., "Adapting Large Language Models
 * by Integrating Collaborative Semantics for Recommendation", ICDE 2024): sequential item
 * prediction, explicit index–language alignment in both directions, asymmetric item prediction,
 * item search from a user intention, and preference inference.
 *
 * <p>{@link org.lcrec.tasks.TemplateSet} holds the prompt templates (a JSON resource; users may
 * load their own), {@link org.lcrec.tasks.TaskGenerator} turns a {@link org.lcrec.core.Dataset}
 * into a lazy stream of {@link org.lcrec.tasks.Sample}s under a seeded {@link
 * org.lcrec.tasks.TaskConfig}, and {@link org.lcrec.tasks.JsonlExporter} writes them as JSON Lines
 * in Alpaca, chat or LC-Rec SFT shape.
 */
package org.lcrec.tasks;
