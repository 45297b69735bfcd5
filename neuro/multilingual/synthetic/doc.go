// Package synthetic holds four small languages that express one world of
// facts with their own words and word orders, a meaning-level judge for
// them, and tiny Llama-style models trained on them at three budgets,
// shipped with the repository: the offline demonstration of
// neuro/multilingual.
//
// # The world
//
// Twelve people (People: "ana", "bo", …) each eat one food, keep one
// animal, like one colour and visit one place (Relations, six values
// each, Glosses): 48 facts (Facts, True), fixed by a seed.
//
// # The languages
//
// Each language (Languages) has its own word for every value, verb and
// question word; only the people's names and the punctuation are shared,
// as proper names are across real languages:
//
//	svo  ana eats rice .             ana eats what ? rice .
//	sov  ana wa kome o taberu .      ana wa nani o taberu ? kome .
//	vso  bwyta ana reis .            bwyta ana beth ? reis .
//	osv  ira ka ana umo .            oqo ka ana umo ? ira .
//
// Tokenizer is the word-level vocabulary of all four (137 words).
//
// # The corpus
//
// A training document (Sample) is one to three statements or
// question–answers of one language, or, in 15% of documents (ParallelRate),
// a statement followed by "=" and its translation into another language.
// Every fact is held out of one language (HeldOut): no training document
// states or asks it there, so a question about it in that language can
// only be answered by carrying the fact over from another language.
// Texts draws monolingual documents for analysis, from streams separate
// for each Purpose (detection, evaluation, pilot).
//
// # The judge
//
// Parse reads any document back into meanings (language, person,
// relation, value), checking word order and particles; Judge reads a
// model's answer to a Question at the level of meaning: correct, the
// right value in the wrong language, a wrong value, or something else.
// AbilityOf measures question answering per language on seen and held-out
// facts.
//
// # The shipped models
//
// Load(seed, budget) returns them: Config (Llama, 3 layers, d_model 48, 4
// heads of 12, SwiGLU MLP of 128, RoPE, untied unembedding, context 32;
// 960 units for neuro/multilingual, 96,432 parameters), trained by the
// command neuro/multilingual/cmd/trainlanguages with neuro/train/llama from
// seeds 1–5 for 100, 400 and 1,600 Adam steps at learning rate 3e-3 on
// batches of 32 documents (DefaultRecipe; one run per seed, the 100- and
// 400-step models being snapshots of the 1,600-step run), stored as F16
// safetensors (about 190 kB each) with a Hugging Face config.json and the
// vocabulary. TrainingRecord (models/record.json) holds the recipe, the
// source revision, and each model's time, final loss and question
// answering: every model answers 25–67% of the facts seen in a language
// at 100 steps and all of them from 400 steps on, and facts held out of a
// language near chance (1/6) at every budget: the models do not transfer
// facts across languages.
package synthetic
