"""A NumPy evaluator of ONNX graphs: the reference for quantized models.

Float operators compute in float64; QuantizeLinear, DequantizeLinear and the
QLinear / Integer operators follow the ONNX specification exactly (round half
to even, saturate to the integer type, int32 sums). It covers the operators of
the models in test/models, not all of ONNX.
"""

import numpy as np
from onnx import numpy_helper


def _attrs(node):
    out = {}
    for a in node.attribute:
        if a.type == a.INT:
            out[a.name] = a.i
        elif a.type == a.FLOAT:
            out[a.name] = a.f
        elif a.type == a.INTS:
            out[a.name] = list(a.ints)
        elif a.type == a.FLOATS:
            out[a.name] = list(a.floats)
        elif a.type == a.STRING:
            out[a.name] = a.s.decode()
        elif a.type == a.TENSOR:
            out[a.name] = numpy_helper.to_array(a.t)
    return out


def _axis_shape(scale, rank, axis):
    """A per-axis parameter shaped to broadcast along `axis`."""
    scale = np.asarray(scale)
    if scale.size == 1:
        return scale.reshape(())
    shape = [1] * rank
    shape[axis % rank] = scale.size
    return scale.reshape(shape)


def quantize(x, scale, zero, axis=1):
    zero = np.asarray(zero)
    dtype = zero.dtype if zero.dtype in (np.int8, np.uint8) else np.uint8
    info = np.iinfo(dtype)
    s = _axis_shape(scale, x.ndim, axis).astype(np.float64)
    z = _axis_shape(zero, x.ndim, axis).astype(np.float64)
    q = np.rint(np.asarray(x, np.float64) / s) + z
    return np.clip(q, info.min, info.max).astype(dtype)


def dequantize(q, scale, zero=None, axis=1):
    s = _axis_shape(scale, q.ndim, axis).astype(np.float64)
    z = 0 if zero is None else _axis_shape(zero, q.ndim, axis).astype(np.float64)
    return (q.astype(np.float64) - z) * s


def conv(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1),
         group=1):
    """NCHW convolution in float64 (or exact int64 for integers)."""
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    acc = np.int64 if np.issubdtype(x.dtype, np.integer) else np.float64
    xp = np.pad(x.astype(acc), ((0, 0), (0, 0), (pads[0], pads[2]),
                                (pads[1], pads[3])))
    sh, sw = strides
    dh, dw = dilations
    oh = (h + pads[0] + pads[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pads[1] + pads[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, f, oh, ow), acc)
    per_group = f // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * per_group:(g + 1) * per_group].astype(acc)
        for dy in range(kh):
            for dx in range(kw):
                patch = xs[:, :, dy * dh:dy * dh + sh * (oh - 1) + 1:sh,
                           dx * dw:dx * dw + sw * (ow - 1) + 1:sw]
                # [n, h, w, f] by BLAS, to [n, f, h, w].
                out[:, g * per_group:(g + 1) * per_group] += np.tensordot(
                    patch, ws[:, :, dy, dx], axes=([1], [1])).transpose(
                        0, 3, 1, 2)
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out


def _conv_node(x, w, b, a):
    kh, kw = w.shape[2:]
    pads = a.get("pads", [0, 0, 0, 0])
    strides = a.get("strides", [1, 1])
    dilations = a.get("dilations", [1, 1])
    auto_pad = a.get("auto_pad", "NOTSET")
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pads = [0] * 4
        for i, (size, k) in enumerate(((x.shape[2], kh), (x.shape[3], kw))):
            out = -(-size // strides[i])
            total = max(0, (out - 1) * strides[i] + (k - 1) * dilations[i] + 1
                        - size)
            small, big = total // 2, total - total // 2
            pads[i], pads[i + 2] = ((small, big) if auto_pad == "SAME_UPPER"
                                    else (big, small))
    return conv(x, w, b, strides, pads, dilations, a.get("group", 1))


def _max_pool(x, a):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    p = a.get("pads", [0, 0, 0, 0])
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])),
                constant_values=-np.inf)
    oh = (xp.shape[2] - kh) // sh + 1
    ow = (xp.shape[3] - kw) // sw + 1
    out = np.full(x.shape[:2] + (oh, ow), -np.inf)
    for dy in range(kh):
        for dx in range(kw):
            out = np.maximum(out, xp[:, :, dy:dy + sh * (oh - 1) + 1:sh,
                                     dx:dx + sw * (ow - 1) + 1:sw])
    return out


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for s, e, ax, st in zip(starts, ends, axes, steps):
        index[ax] = slice(int(s), int(e), int(st))
    return x[tuple(index)]


def _integer_zero(inputs, i):
    return inputs[i] if len(inputs) > i and inputs[i] is not None else 0


def run_node(node, inputs):
    """The outputs of one node, given its input arrays (None: omitted)."""
    a = _attrs(node)
    op = node.op_type
    x = inputs[0] if inputs else None
    if op == "Constant":
        return [a["value"]]
    if op in ("Identity", "Dropout"):
        return [x]
    if op == "Relu":
        return [np.maximum(x, 0)]
    if op == "Clip":
        lo = inputs[1] if len(inputs) > 1 and inputs[1] is not None else -np.inf
        hi = inputs[2] if len(inputs) > 2 and inputs[2] is not None else np.inf
        return [np.clip(x, lo, hi)]
    binary = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
              "Div": np.divide, "Pow": np.power}
    if op == "Div" and x.dtype.kind == "i" and inputs[1].dtype.kind == "i":
        return [np.trunc(x / inputs[1]).astype(x.dtype)]  # toward zero
    if op in binary:
        return [binary[op](x, inputs[1])]
    if op == "LayerNormalization":
        axis = a.get("axis", -1) % x.ndim
        axes = tuple(range(axis, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
        y = (x - mean) / np.sqrt(var + a.get("epsilon", 1e-5)) * inputs[1]
        if len(inputs) > 2 and inputs[2] is not None:
            y = y + inputs[2]
        return [y]
    if op == "Sqrt":
        return [np.sqrt(x)]
    if op == "Erf":
        from math import erf
        return [np.frompyfunc(erf, 1, 1)(x).astype(np.float64)]
    if op == "Conv":
        return [_conv_node(x, inputs[1], inputs[2] if len(inputs) > 2 else None,
                           a)]
    if op == "BatchNormalization":
        scale, bias, mean, var = (_axis_shape(v, x.ndim, 1) for v in inputs[1:5])
        return [(x - mean) / np.sqrt(var + a.get("epsilon", 1e-5)) * scale
                + bias]
    if op == "MaxPool":
        return [_max_pool(x, a)]
    if op == "GlobalAveragePool":
        return [x.mean(axis=(2, 3), keepdims=True)]
    if op == "Flatten":
        axis = a.get("axis", 1)
        return [x.reshape(int(np.prod(x.shape[:axis])), -1)]
    if op == "Gemm":
        A = x.T if a.get("transA", 0) else x
        B = inputs[1].T if a.get("transB", 0) else inputs[1]
        y = a.get("alpha", 1.0) * (A @ B)
        if len(inputs) > 2 and inputs[2] is not None:
            y = y + a.get("beta", 1.0) * inputs[2]
        return [y]
    if op == "MatMul":
        return [np.matmul(x, inputs[1])]
    if op == "Transpose":
        return [np.transpose(x, a.get("perm"))]
    if op == "Reshape":
        shape = [int(d) for d in inputs[1]]
        shape = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
        return [x.reshape(shape)]
    if op == "Shape":
        return [np.array(x.shape, np.int64)]
    if op == "Gather":
        return [np.take(x, inputs[1], axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        axes = a.get("axes") if len(inputs) < 2 else list(inputs[1])
        for ax in sorted(int(v) % (x.ndim + len(axes)) for v in axes):
            x = np.expand_dims(x, ax)
        return [x]
    if op == "ConstantOfShape":
        value = a.get("value", np.zeros(1, np.float32))
        return [np.full([int(d) for d in x], value.reshape(-1)[0],
                        value.dtype)]
    if op == "Equal":
        return [x == inputs[1]]
    if op == "Less":
        return [x < inputs[1]]
    if op == "Tanh":
        return [np.tanh(x)]
    if op == "Split":
        axis = a.get("axis", 0) % x.ndim
        sizes = (list(inputs[1]) if len(inputs) > 1 and inputs[1] is not None
                 else a.get("split"))
        if sizes is None:
            return np.split(x, len(node.output), axis=axis)
        return np.split(x, np.cumsum([int(n) for n in sizes])[:-1], axis=axis)
    if op == "Squeeze":
        axes = a.get("axes") if len(inputs) < 2 else list(inputs[1])
        return [np.squeeze(x, axis=None if axes is None else
                           tuple(int(v) % x.ndim for v in axes))]
    if op == "ReduceSum":
        axes = (list(inputs[1]) if len(inputs) > 1 and inputs[1] is not None
                else None)
        return [x.sum(axis=None if axes is None else tuple(int(v) for v in axes),
                      keepdims=bool(a.get("keepdims", 1)))]
    if op == "ScatterND":
        y = x.copy()
        index = inputs[1]
        for at in np.ndindex(index.shape[:-1]):
            y[tuple(index[at])] = inputs[2][at]
        return [y]
    if op == "Where":
        return [np.where(x, inputs[1], inputs[2])]
    if op == "Expand":
        shape = np.broadcast_shapes(inputs[0].shape,
                                    tuple(int(d) for d in inputs[1]))
        return [np.broadcast_to(x, shape).copy()]
    if op == "Concat":
        return [np.concatenate(inputs, axis=a["axis"])]
    if op == "Slice":
        return [_slice(x, *[v if v is None else list(v) for v in inputs[1:]])]
    if op == "Softmax":
        return [_softmax(x, a.get("axis", -1))]
    if op == "ReduceMean":
        axes = tuple(a["axes"]) if "axes" in a else None
        return [x.mean(axis=axes, keepdims=bool(a.get("keepdims", 1)))]
    if op == "Cast":
        return [x.astype(np.float64) if a["to"] == 1 else x]
    if op == "QuantizeLinear":
        zero = inputs[2] if len(inputs) > 2 else np.uint8(0)
        return [quantize(x, inputs[1], zero, a.get("axis", 1))]
    if op == "DequantizeLinear":
        zero = inputs[2] if len(inputs) > 2 else None
        return [dequantize(x, inputs[1], zero, a.get("axis", 1))]
    if op in ("MatMulInteger", "ConvInteger"):
        xz = np.asarray(_integer_zero(inputs, 2)).astype(np.int64)
        wz = np.asarray(_integer_zero(inputs, 3)).astype(np.int64)
        xi = x.astype(np.int64) - xz
        if op == "MatMulInteger":
            return [np.matmul(xi, inputs[1].astype(np.int64) - wz)
                    .astype(np.int32)]
        wi = inputs[1].astype(np.int64) - _axis_shape(wz, 4, 0)
        # The padding holds zero points: x - x_zero is 0 there.
        return [_conv_node(xi, wi, None, a).astype(np.int32)]
    if op == "QLinearConv":
        xs, xz, w, ws, wz, ys, yz = inputs[1:8]
        real = _conv_node(dequantize(x, xs, xz), dequantize(w, ws, wz, 0),
                          None, a)
        if len(inputs) > 8 and inputs[8] is not None:
            real = real + (inputs[8].astype(np.float64) * float(xs)
                           * np.asarray(ws, np.float64)).reshape(1, -1, 1, 1)
        return [quantize(real, ys, yz)]
    if op == "QLinearMatMul":
        as_, az, b, bs, bz, ys, yz = inputs[1:8]
        bs = np.asarray(bs)
        real = np.matmul(dequantize(x, as_, az),
                         dequantize(b, bs, bz, -1 if bs.size > 1 else 1))
        return [quantize(real, ys, yz)]
    raise NotImplementedError(f"onnx_numpy: operator {op}")


def run_all(model, feeds):
    """Every value the graph computes for `feeds` {name: array} (float
    inputs in float64), by name."""
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for name, array in feeds.items():
        values[name] = array.astype(np.float64) if array.dtype.kind == "f" \
            else array
    for node in model.graph.node:
        inputs = [values[n] if n else None for n in node.input]
        for name, out in zip(node.output, run_node(node, inputs)):
            values[name] = out
    return values


def run(model, feeds):
    """The graph outputs for `feeds`, as {name: array}."""
    values = run_all(model, feeds)
    return {o.name: values[o.name] for o in model.graph.output}
