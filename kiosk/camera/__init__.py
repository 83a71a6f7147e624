"""Camera side of the kiosk: frame sources, QR reading, and the face quality gate with
auto-capture. Plain Python and OpenCV; no Qt."""
