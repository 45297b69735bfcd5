# Independent reference for neuro/transformer, built from torch primitives.
#
# Reads one JSON object on stdin and prints one JSON object.
#
# mode "oracle": {"config": HF config dict, "seed", "tokens", "dtype"
#   ("F32"|"F16"|"BF16"), "dir", "prefix" (prepended to GPT-2 names),
#   "patch": [[position, neuron, value], ...] applied to blocks.0.mlp.hook_post}
#   draws random weights, writes dir/config.json and dir/model.safetensors
#   (its own minimal safetensors writer, Hugging Face tensor names), runs the
#   model in float64 on the (dtype-rounded) weights and prints the logits,
#   some activations and the logits of the patched run.
#
# mode "bench": {"config", "seq", "gen", "threads", "repeats"} times a forward
#   pass at sequence length seq and greedy generation of gen tokens with a
#   key/value cache, in float32 under torch.inference_mode(), and prints
#   tokens per second. Run by hand:
#     echo '{"mode":"bench","seq":128,"gen":32,"threads":2}' | /usr/bin/python3 testdata/torch_reference.py
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F


def gpt2_params(c):
    d, L, V, P = c["n_embd"], c["n_layer"], c["vocab_size"], c["n_positions"]
    dm = c.get("n_inner") or 4 * d
    ps = [("wte.weight", (V, d)), ("wpe.weight", (P, d))]
    for l in range(L):
        p = "h.%d." % l
        ps += [(p + "ln_1.weight", (d,)), (p + "ln_1.bias", (d,)),
               (p + "attn.c_attn.weight", (d, 3 * d)), (p + "attn.c_attn.bias", (3 * d,)),
               (p + "attn.c_proj.weight", (d, d)), (p + "attn.c_proj.bias", (d,)),
               (p + "ln_2.weight", (d,)), (p + "ln_2.bias", (d,)),
               (p + "mlp.c_fc.weight", (d, dm)), (p + "mlp.c_fc.bias", (dm,)),
               (p + "mlp.c_proj.weight", (dm, d)), (p + "mlp.c_proj.bias", (d,))]
    return ps + [("ln_f.weight", (d,)), ("ln_f.bias", (d,))]


def llama_params(c):
    d, L, V = c["hidden_size"], c["num_hidden_layers"], c["vocab_size"]
    H = c["num_attention_heads"]
    Hkv = c.get("num_key_value_heads", H)
    dh = c.get("head_dim", d // H)
    dm = c["intermediate_size"]
    qkv_bias = c.get("attention_bias", False) or c["model_type"] == "qwen2"
    o_bias = c.get("attention_bias", False)
    mlp_bias = c.get("mlp_bias", False)
    ps = [("model.embed_tokens.weight", (V, d))]
    for l in range(L):
        p = "model.layers.%d." % l
        ps.append((p + "input_layernorm.weight", (d,)))
        for name, out, inp, bias in [("q_proj", H * dh, d, qkv_bias), ("k_proj", Hkv * dh, d, qkv_bias),
                                     ("v_proj", Hkv * dh, d, qkv_bias), ("o_proj", d, H * dh, o_bias)]:
            ps.append((p + "self_attn." + name + ".weight", (out, inp)))
            if bias:
                ps.append((p + "self_attn." + name + ".bias", (out,)))
        ps.append((p + "post_attention_layernorm.weight", (d,)))
        for name, out, inp in [("gate_proj", dm, d), ("up_proj", dm, d), ("down_proj", d, dm)]:
            ps.append((p + "mlp." + name + ".weight", (out, inp)))
            if mlp_bias:
                ps.append((p + "mlp." + name + ".bias", (out,)))
    ps.append(("model.norm.weight", (d,)))
    if not c.get("tie_word_embeddings", False):
        ps.append(("lm_head.weight", (V, d)))
    return ps


def draw(c, seed):
    g = torch.Generator().manual_seed(seed)
    gpt2 = c["model_type"] == "gpt2"
    W = {}
    for name, shape in (gpt2_params(c) if gpt2 else llama_params(c)):
        r = torch.randn(shape, generator=g, dtype=torch.float64)
        if "norm" in name or "ln_" in name:
            W[name] = (1.0 if name.endswith("weight") else 0.0) + 0.1 * r
        elif name.endswith("bias"):
            W[name] = 0.1 * r
        elif name in ("wte.weight", "wpe.weight", "model.embed_tokens.weight"):
            W[name] = 0.25 * r
        else:
            fan_in = shape[0] if gpt2 else shape[1]
            W[name] = r / math.sqrt(fan_in)
    return W


def round_to(W, dtype):
    t = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}[dtype]
    return {k: v.to(t).to(torch.float64) for k, v in W.items()}


def write_safetensors(path, W, dtype, prefix):
    t = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}[dtype]
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name, v in W.items():
        x = v.to(t).contiguous()
        if dtype == "BF16":
            b = x.view(torch.int16).numpy().tobytes()
        else:
            b = x.numpy().tobytes()
        header[prefix + name] = {"dtype": dtype, "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def causal_attention(q, k, v):
    # q [H, T, dh], k, v [H, S, dh] with S = T (no cache) or a cache: the
    # query at row i sits at absolute position S - T + i.
    T, S, dh = q.shape[1], k.shape[1], q.shape[2]
    att = q @ k.transpose(-1, -2) / math.sqrt(dh)
    mask = torch.ones(T, S, dtype=torch.bool).triu(S - T + 1)
    att = att.masked_fill(mask, float("-inf")).softmax(-1)
    return att, att @ v


def gpt2_forward(W, c, tokens, patch=None, past=None):
    d, H = c["n_embd"], c["n_head"]
    dh, eps = d // H, c.get("layer_norm_epsilon", 1e-5)
    T = len(tokens)
    p0 = 0 if past is None else past[0][0].shape[1]
    x = W["wte.weight"][tokens] + W["wpe.weight"][p0:p0 + T]
    acts, new_past = {}, []
    for l in range(c["n_layer"]):
        p = "h.%d." % l
        acts["resid_pre_%d" % l] = x
        h = F.layer_norm(x, (d,), W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
        q, k, v = (h @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]).split(d, dim=-1)
        q, k, v = (t.reshape(T, H, dh).transpose(0, 1) for t in (q, k, v))
        if past is not None:
            k, v = torch.cat([past[l][0], k], 1), torch.cat([past[l][1], v], 1)
        new_past.append((k, v))
        att, z = causal_attention(q, k, v)
        acts["pattern_%d" % l] = att
        x = x + z.transpose(0, 1).reshape(T, d) @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
        h = F.layer_norm(x, (d,), W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
        post = F.gelu(h @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"], approximate="tanh")
        if patch and l == 0:
            post = post.clone()
            for pos, n, val in patch:
                post[pos, n] = val
        acts["post_%d" % l] = post
        x = x + post @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (d,), W["ln_f.weight"], W["ln_f.bias"], eps)
    return x @ W["wte.weight"].T, acts, new_past


def rope_inv_freq(c, dh):
    inv = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, dh, 2, dtype=torch.float64) / dh))
    rs = c.get("rope_scaling")
    if not rs:
        return inv
    kind = rs.get("rope_type", rs.get("type"))
    if kind == "linear":
        return inv / rs["factor"]
    assert kind == "llama3", kind
    factor, lo, hi, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
    wavelen = 2 * math.pi / inv
    scaled = torch.where(wavelen > old / lo, inv / factor, inv)
    smooth = (old / wavelen - lo) / (hi - lo)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = ~(wavelen < old / hi) & ~(wavelen > old / lo)
    return torch.where(medium, smoothed, scaled)


def llama_forward(W, c, tokens, patch=None, past=None):
    d, H = c["hidden_size"], c["num_attention_heads"]
    Hkv = c.get("num_key_value_heads", H)
    dh, eps = c.get("head_dim", d // H), c.get("rms_norm_eps", 1e-6)
    T = len(tokens)
    p0 = 0 if past is None else past[0][0].shape[1]

    def rms(x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    def lin(x, name):
        y = x @ W[name + ".weight"].T
        return y + W[name + ".bias"] if name + ".bias" in W else y

    inv = rope_inv_freq(c, dh).to(W["model.norm.weight"].dtype)
    freqs = torch.outer(torch.arange(p0, p0 + T, dtype=inv.dtype), inv)
    emb = torch.cat([freqs, freqs], -1)
    cos, sin = emb.cos(), emb.sin()

    def rot(x):
        x1, x2 = x[..., : dh // 2], x[..., dh // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    x = W["model.embed_tokens.weight"][tokens]
    acts, new_past = {}, []
    for l in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % l
        acts["resid_pre_%d" % l] = x
        h = rms(x, W[p + "input_layernorm.weight"])
        q = rot(lin(h, p + "self_attn.q_proj").reshape(T, H, dh).transpose(0, 1))
        k = rot(lin(h, p + "self_attn.k_proj").reshape(T, Hkv, dh).transpose(0, 1))
        v = lin(h, p + "self_attn.v_proj").reshape(T, Hkv, dh).transpose(0, 1)
        if past is not None:
            k, v = torch.cat([past[l][0], k], 1), torch.cat([past[l][1], v], 1)
        new_past.append((k, v))
        att, z = causal_attention(q, k.repeat_interleave(H // Hkv, 0), v.repeat_interleave(H // Hkv, 0))
        acts["pattern_%d" % l] = att
        x = x + lin(z.transpose(0, 1).reshape(T, H * dh), p + "self_attn.o_proj")
        h = rms(x, W[p + "post_attention_layernorm.weight"])
        post = F.silu(lin(h, p + "mlp.gate_proj")) * lin(h, p + "mlp.up_proj")
        if patch and l == 0:
            post = post.clone()
            for pos, n, val in patch:
                post[pos, n] = val
        acts["post_%d" % l] = post
        x = x + lin(post, p + "mlp.down_proj")
    x = rms(x, W["model.norm.weight"])
    un = W["model.embed_tokens.weight"] if c.get("tie_word_embeddings", False) else W["lm_head.weight"]
    return x @ un.T, acts, new_past


def oracle(inp):
    c = inp["config"]
    W = draw(c, inp["seed"])
    os.makedirs(inp["dir"], exist_ok=True)
    with open(os.path.join(inp["dir"], "config.json"), "w") as f:
        json.dump(c, f)
    write_safetensors(os.path.join(inp["dir"], "model.safetensors"), W, inp["dtype"], inp.get("prefix", ""))
    W = round_to(W, inp["dtype"])
    fwd = gpt2_forward if c["model_type"] == "gpt2" else llama_forward
    tokens = torch.tensor(inp["tokens"])
    with torch.no_grad():
        logits, acts, _ = fwd(W, c, tokens)
        patched, _, _ = fwd(W, c, tokens, patch=inp["patch"])
    return {"logits": logits.tolist(), "resid_pre_1": acts["resid_pre_1"].tolist(),
            "pattern_0": acts["pattern_0"].tolist(), "post_1": acts["post_1"].tolist(),
            "patched_logits": patched.tolist()}


def bench(inp):
    torch.set_num_threads(inp.get("threads", 2))
    c = inp.get("config") or {"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12,
                              "n_positions": 1024, "vocab_size": 50257}
    W = {k: v.to(torch.float32) for k, v in draw(c, 1).items()}
    fwd = gpt2_forward if c["model_type"] == "gpt2" else llama_forward
    seq, gen, repeats = inp.get("seq", 128), inp.get("gen", 32), inp.get("repeats", 3)
    tokens = torch.randint(0, c["vocab_size"], (seq,), generator=torch.Generator().manual_seed(2))
    out = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    with torch.inference_mode():
        fwd(W, c, tokens)  # warm up
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            fwd(W, c, tokens)
            best = min(best, time.perf_counter() - t0)
        out["forward_tokens_per_s"] = seq / best
        prompt = tokens[:16]
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            logits, _, past = fwd(W, c, prompt)
            nxt = int(logits[-1].argmax())
            for _ in range(gen - 1):
                logits, _, past = fwd(W, c, torch.tensor([nxt]), past=past)
                nxt = int(logits[-1].argmax())
            best = min(best, time.perf_counter() - t0)
        out["generate_tokens_per_s"] = gen / best
    return out


if __name__ == "__main__":
    inp = json.load(sys.stdin)
    print(json.dumps(bench(inp) if inp.get("mode") == "bench" else oracle(inp)))
