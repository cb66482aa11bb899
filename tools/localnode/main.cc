// Copyright 2026 The capstan Authors.
int main() { return 0; }
