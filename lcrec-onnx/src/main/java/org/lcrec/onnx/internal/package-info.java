/** Implementation details of lcrec-onnx (protobuf wire format, numeric kernels); not API. */
package org.lcrec.onnx.internal;
