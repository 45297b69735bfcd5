package safetensors_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// Write a small file with a float16 and a float32 tensor and read it back.
func Example() {
	dir, err := os.MkdirTemp("", "st")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")
	err = safetensors.WriteFile(path, []safetensors.Tensor{
		{Name: "w", DType: safetensors.F16, Shape: []int{2, 2}, Values: []float32{1, 0.1, -2, 65504}},
		{Name: "b", DType: safetensors.F32, Shape: []int{2}, Values: []float32{0.5, -0.5}},
	}, map[string]string{"format": "pt"})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := safetensors.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	for _, t := range f.Tensors() {
		v, _, err := f.Float32(t.Name)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(t.Name, t.DType, t.Shape, v)
	}
	// Output:
	// w F16 [2 2] [1 0.099975586 -2 65504]
	// b F32 [2] [0.5 -0.5]
}

// Known bit patterns of the half-precision formats.
func ExampleF16ToFloat32() {
	fmt.Println(safetensors.F16ToFloat32(0x3c00), safetensors.F16ToFloat32(0x7bff),
		safetensors.F16ToFloat32(0x0001), safetensors.F16ToFloat32(0xfc00))
	fmt.Printf("%#04x %#04x\n", safetensors.Float32ToF16(1), safetensors.Float32ToBF16(1))
	// Output:
	// 1 65504 5.9604645e-08 -Inf
	// 0x3c00 0x3f80
}

// Parse a file held in memory; a malformed one is rejected with the reason.
func ExampleNewReader() {
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, []safetensors.Tensor{{Name: "x", DType: safetensors.BF16, Shape: []int{3}, Values: []float32{1, 2.5, -3}}}, nil); err != nil {
		fmt.Println(err)
		return
	}
	f, err := safetensors.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	v, shape, err := f.Float32("x")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(shape, v)
	bad := buf.Bytes()[:buf.Len()-1]
	_, err = safetensors.NewReader(bytes.NewReader(bad), int64(len(bad)))
	fmt.Println(err)
	// Output:
	// [3] [1 2.5 -3]
	// safetensors: tensors cover 6 bytes but the data buffer after the header holds 5
}
