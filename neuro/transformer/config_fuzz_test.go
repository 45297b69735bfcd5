package transformer

import "testing"

// FuzzParseConfig checks that arbitrary config.json contents give an error
// or a configuration that passes Validate, never a panic, and that an
// accepted configuration survives MarshalJSON and ParseConfig unchanged.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"model_type":"gpt2","n_embd":64,"n_layer":2,"n_head":4,"vocab_size":100}`))
	f.Add([]byte(`{"model_type":"llama","vocab_size":10,"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"eos_token_id":[1,2]}`))
	f.Add([]byte(`{"model_type":"qwen2","vocab_size":10,"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"rope_scaling":{"rope_type":"llama3","factor":8,"low_freq_factor":1,"high_freq_factor":4,"original_max_position_embeddings":64}}`))
	f.Add([]byte(`{"model_type":"mistral","sliding_window":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseConfig accepted an invalid config: %v", err)
		}
		b, err := c.MarshalJSON()
		if err != nil {
			return // e.g. biases that config.json cannot express
		}
		c2, err := ParseConfig(b)
		if err != nil {
			t.Fatalf("re-parsing %s: %v", b, err)
		}
		if c2.String() != c.String() || c2.NumParams() != c.NumParams() {
			t.Fatalf("round trip changed %v into %v", c, c2)
		}
	})
}
